"""The architecture, checked from the source: imports flow one way between subsystems,
no two modules import each other (directly or round a loop), every import inside a
function says why it is there, and a public name means one thing.

All of it is read with `ast`, nothing is imported, so a failure names the file and line.
"""

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "foi"

# Subsystems (a folder of foi/ or a top-level module), lowest layer first. A module may
# import its own subsystem and any lower layer; never a higher layer, nor a peer in its
# own layer (peers are independent of each other). Why this order:
LAYERS: list[tuple[str, ...]] = [
    ("__init__", "errors", "vocabulary"),  # the version; the one error type; the names of states and kinds
    ("clock", "output", "safetext", "blobs", "language", "bounded", "replacing"),  # time, csv/json out,
                                   # council text made safe for headers, files and letters, raw bytes by
                                   # sha256, FOI Act wording, reading untrusted files within limits, a file
                                   # written whole before it replaces the one the user named
    ("migrations",),               # the schema (db applies it on every open)
    ("db", "dbread", "config"),    # opening the database (to read only: dbread); foi.toml and the environment
    ("secrecy",),                  # the passwords config gives, masked in whatever leaves the process
    ("mail",),                     # transport and storage of messages: bytes, IMAP, SMTP, the
                                   # messages table; knows no council, campaign or request
    ("register",),                 # councils
    ("reference",),                # figures per council and period from elsewhere (DfE statistics)
    ("campaign",),                 # campaign files and references (asks councils)
    ("tracking",),                 # states, working days, due dates, status of each request
    ("letters",),                  # the words of requests and chasers (campaign, council, dates)
    ("triage", "sending", "extract"),  # what happens to mail in and out, and to the answers
    ("measures",),                 # figures derived from the dataset and reference data; estimates
    ("report",),                   # reads what all of the above wrote
    ("workspace",),                # a new campaign folder: database, register, templates
    ("demo",),                     # a whole campaign end to end
    ("web",),                      # the local pages of `foi serve` over the campaign database
    ("cli",),                      # the thin shell over all of it
    ("__main__",),
]
LAYER_OF = {name: rank for rank, names in enumerate(LAYERS) for name in names}

# Importing inside a function is allowed only to keep start-up fast (a heavy library, or a
# big module, needed by one path only), and says so on the import line. An import moved
# into a function to dodge a cycle is what this file exists to stop (cycles are checked
# with lazy imports counted). foi/cli is lazy throughout by design: a command imports the
# library it runs (see foi/cli/__init__.py), and as the top layer it has nothing to dodge.
LAZY_MARKER = re.compile(r"#\s*lazy:\s*start-up\b")
LAZY_BY_DESIGN = ("cli",)

# Public top-level names defined twice on purpose: none. (Click command functions in
# foi/cli are named after their commands, and `foi councils add` is not `foi holidays add`.)
DELIBERATE_DUPLICATES: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    module: str      # the importing module
    target: str      # the foi module imported
    line: int
    lazy: bool
    marked: bool


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: list[str]

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def subsystem(self) -> str:
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else "__init__"


def read_modules() -> dict[str, Module]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["foi", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        source = path.read_text(encoding="utf-8")
        modules[".".join(parts)] = Module(".".join(parts), path, ast.parse(source), source.splitlines())
    return modules


MODULES = read_modules()


def _targets(module: Module, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The foi modules an import statement loads: `from foi.x import y` is foi.x.y
    when that is a module, else foi.x."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
        if node.level:
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join([*base, *([node.module] if node.module else [])])
        else:
            prefix = node.module or ""
        names = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix
                 for alias in node.names]
    return sorted({name for name in names if name == "foi" or name.startswith("foi.")})


def _top_level_nodes(tree: ast.Module) -> set[int]:
    """Statements run on import: the module body, including its top-level if/try blocks."""
    top: set[int] = set()
    for statement in tree.body:
        nodes = ast.walk(statement) if isinstance(statement, (ast.If, ast.Try)) else [statement]
        top.update(id(node) for node in nodes)
    return top


def import_statements(module: Module) -> list[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    """(statement, lazy, marked) for every import in the module, however deep."""
    top = _top_level_nodes(module.tree)
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            text = "\n".join(module.lines[node.lineno - 1: node.end_lineno])
            found.append((node, id(node) not in top, bool(LAZY_MARKER.search(text))))
    return sorted(found, key=lambda item: item[0].lineno)


def foi_imports() -> list[Import]:
    return [Import(module.name, target, node.lineno, lazy, marked)
            for module in MODULES.values()
            for node, lazy, marked in import_statements(module)
            for target in _targets(module, node)]


def where(module_name: str, line: int) -> str:
    return f"{MODULES[module_name].path.relative_to(PACKAGE.parent)}:{line}"


def test_every_subsystem_has_a_layer() -> None:
    missing = sorted({m.subsystem for m in MODULES.values()} - set(LAYER_OF))
    assert not missing, f"place these in LAYERS (tests/test_layers.py): {missing}"


def test_imports_flow_down_the_layers() -> None:
    wrong = []
    for item in foi_imports():
        source, target = MODULES[item.module], MODULES[item.target]
        if source.subsystem == target.subsystem:
            continue
        if LAYER_OF[target.subsystem] >= LAYER_OF[source.subsystem]:
            how = "a peer" if LAYER_OF[target.subsystem] == LAYER_OF[source.subsystem] else "a higher layer"
            wrong.append(f"{where(item.module, item.line)}: {item.module} imports {item.target} ({how})")
    assert not wrong, "\n".join(wrong)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), or a module
    importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(edges[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges[node]:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_lazy_imports_counted() -> None:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for item in foi_imports():
        edges[item.module].add(item.target)
    cycles = _cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_cycle_finder_finds_a_loop() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_every_lazy_import_is_marked_and_only_those() -> None:
    wrong = []
    for module in MODULES.values():
        for node, lazy, marked in import_statements(module):
            if lazy and not marked and module.subsystem not in LAZY_BY_DESIGN:
                wrong.append(f"{where(module.name, node.lineno)}: import inside a function without "
                             "`# lazy: start-up`: import it at the top, or say why not")
            elif marked and not lazy:
                wrong.append(f"{where(module.name, node.lineno)}: `# lazy:` on a top-level import")
    assert not wrong, "\n".join(wrong)


def _is_click_command(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in ("command", "group"):
            return True
    return False


def test_public_names_are_defined_once() -> None:
    """In one module a name may be defined more than once (typing.overload); across
    modules, never."""
    defined: dict[str, dict[str, str]] = defaultdict(dict)  # name -> module -> where first
    for module in MODULES.values():
        for node in module.tree.body:
            if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                    and not node.name.startswith("_") and not _is_click_command(node)):
                defined[node.name].setdefault(module.name, where(module.name, node.lineno))
    twice = {name: list(places.values()) for name, places in defined.items()
             if len(places) > 1 and name not in DELIBERATE_DUPLICATES}
    assert not twice, "\n".join(f"{name}: {', '.join(places)}" for name, places in sorted(twice.items()))
