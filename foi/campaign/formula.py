"""A measure's formula, read safely: arithmetic over question ids, reference tables
(`ref.children_in_need`) and numbers, e.g. "rereferrals / closed_no_early_help".

Read with Python's `ast` and a whitelist: numbers, names, `ref.NAME`, + - * /, a minus
sign in front and brackets. Nothing else is accepted (no calls, no other dots, no powers,
no comparisons), so a campaign file can never make foi run code. Pure: no database; the
campaign file checks the names against its questions, the database against its
reference tables, and foi.measures evaluates the tree this returns.
"""

import ast
import math
import re
from dataclasses import dataclass

from foi.errors import FoiError

REF = "ref"
MAX_LENGTH = 300  # a formula is a line, not a program; this also bounds how deep it nests
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
ALLOWED = "question ids, ref.NAME, numbers, + - * / and brackets"


class FormulaError(FoiError):
    """A formula foi cannot read, with the reason in words."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    questions: tuple[str, ...]   # the question ids it names, in order, once each
    references: tuple[str, ...]  # the reference tables it names (the NAME of ref.NAME)

    def part(self, node: ast.expr) -> str:
        """A part of the formula as the user wrote it, to name it in a note."""
        return _segment(self.text, node)


def parse_formula(text: str) -> Formula:
    """The checked formula, or FormulaError saying what is wrong with it."""
    text = " ".join(text.split())
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters; write a shorter one")
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError):
        raise FormulaError(f"{text!r} is not a formula (use {ALLOWED}, e.g. 'a / b')") from None
    questions: list[str] = []
    references: list[str] = []
    try:
        _check(text, tree, questions, references)
    except RecursionError:
        raise FormulaError(f"{text!r} has too many brackets inside each other") from None
    return Formula(text, tree, tuple(dict.fromkeys(questions)), tuple(dict.fromkeys(references)))


def _check(text: str, node: ast.expr, questions: list[str], references: list[str]) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        _check(text, node.left, questions, references)
        _check(text, node.right, questions, references)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _check(text, node.operand, questions, references)
    elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        if not math.isfinite(node.value):
            raise FormulaError(f"{_segment(text, node)!r} is too large a number")
    elif isinstance(node, ast.Name):
        if node.id == REF:
            raise FormulaError(f"'{REF}' must be followed by a reference table's name, e.g. ref.children_in_need")
        questions.append(node.id)
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == REF:
        if not NAME_PATTERN.match(node.attr):
            raise FormulaError(f"'{REF}.{node.attr}': a reference table's name is lower-case letters, "
                               "digits and '_'")
        references.append(node.attr)
    else:
        raise FormulaError(f"{_segment(text, node)!r} is not allowed in a formula: use {ALLOWED}")


def _segment(text: str, node: ast.expr) -> str:
    return ast.get_source_segment(text, node) or ast.unparse(node)
