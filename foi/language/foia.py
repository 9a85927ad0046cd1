"""Facts of the Freedom of Information Acts that more than one part of foi needs."""

# Sections under which a public body refuses information: s.12 (cost limit),
# s.14 (vexatious or repeated) and the exemptions in Part II, s.21 to s.44
# (s.25 is not an exemption: it governs the certificates of s.23 and s.24).
REFUSING_SECTIONS = frozenset({12, 14, 21, 22, 23, 24, *range(26, 45)})

# The Freedom of Information (Scotland) Act 2002 numbers them differently: s.12
# (cost), s.14 (vexatious or repeated) and the exemptions s.25 (otherwise
# accessible) to s.41. Its s.17 is the notice that information is not held and
# its s.21 the review, so neither refuses.
FOISA_REFUSING_SECTIONS = frozenset({12, 14, *range(25, 42)})
