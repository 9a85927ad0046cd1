"""The campaign's consistency rules ("rereferrals <= referrals") evaluated
without eval(): a tokenizer and a tiny recursive-descent parser over question
ids, numbers, + - and one comparison. Values are intervals, so a suppressed
"<5" (0..4) still takes part: a rule fails only when it fails for every value
the interval allows."""

from __future__ import annotations

import math
import re

from foi.errors import FoiError

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|<|>|\+|-|\(|\)))")
COMPARISONS = {"<=", ">=", "==", "!=", "<", ">"}
Interval = tuple[float, float]


def parse_rule(rule: str) -> tuple:
    """('cmp', op, left, right) with expressions as ('num', x) | ('id', name) | (op, a, b)."""
    tokens, position = [], 0
    while position < len(rule.rstrip()):
        match = TOKEN.match(rule, position)
        if not match or match.lastindex is None:
            raise FoiError(f"Cannot read check rule {rule!r} at {rule[position:]!r}",
                           "Rules look like: rereferrals <= referrals + 10")
        tokens.append(match.group(match.lastindex))
        position = match.end()
    parser = _Parser(tokens, rule)
    left = parser.expression()
    op = parser.take()
    if op not in COMPARISONS:
        raise FoiError(f"Check rule {rule!r} needs one comparison (<=, <, >=, >, ==, !=)")
    right = parser.expression()
    if parser.position != len(tokens):
        raise FoiError(f"Unexpected {tokens[parser.position]!r} in check rule {rule!r}")
    return ("cmp", op, left, right)


class _Parser:
    def __init__(self, tokens: list[str], rule: str):
        self.tokens, self.rule, self.position = tokens, rule, 0

    def take(self) -> str | None:
        token = self.peek()
        self.position += 1
        return token

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expression(self) -> tuple:
        node = self.term()
        while self.peek() in ("+", "-"):
            node = (self.take(), node, self.term())
        return node

    def term(self) -> tuple:
        token = self.take()
        if token == "(":
            node = self.expression()
            if self.take() != ")":
                raise FoiError(f"Missing ')' in check rule {self.rule!r}")
            return node
        if token is None or token in COMPARISONS or token in "+-)":
            raise FoiError(f"Check rule {self.rule!r} is incomplete near {token!r}")
        return ("num", float(token)) if token[0].isdigit() else ("id", token)


def names_in(node: tuple) -> set[str]:
    """The question ids an expression, or a whole rule, refers to."""
    if node[0] == "id":
        return {node[1]}
    if node[0] == "num":
        return set()
    return set().union(*(names_in(child) for child in node[-2:]))


def _interval(node: tuple, values: dict[str, Interval]) -> Interval:
    if node[0] == "num":
        return (node[1], node[1])
    if node[0] == "id":
        return values[node[1]]
    a, b = _interval(node[1], values), _interval(node[2], values)
    return (a[0] + b[0], a[1] + b[1]) if node[0] == "+" else (a[0] - b[1], a[1] - b[0])


def rule_fails(rule: tuple, values: dict[str, Interval]) -> bool | None:
    """True when the rule is broken whatever the suppressed values are; None when
    a value it needs is missing (not held, refused, needs review)."""
    _, op, left, right = rule
    if not names_in(rule) <= values.keys():
        return None
    a, b = _interval(left, values), _interval(right, values)
    broken = {
        "<=": a[0] > b[1], "<": a[0] >= b[1], ">=": a[1] < b[0], ">": a[1] <= b[0],
        "==": a[1] < b[0] or a[0] > b[1],
        "!=": a[0] == a[1] == b[0] == b[1] and not math.isinf(a[0]),
    }
    return broken[op]
