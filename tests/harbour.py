"""A made-up conflict for the scheme tests: a guild named or not (2 labels) and a league named five ways
(5 labels), another shape than Syria's (4 and 3 labels)."""

#: The scheme's actors, as a scheme file writes them (the skeleton's ``[[actors]]`` tables replaced by these).
ACTORS = """[[actors]]
field = "guild"
display = "the guild"
labels = ["none", "named"]
precedence = ["named"]

[[actors]]
field = "league"
display = "the league"
labels = ["none", "members", "sailors", "raiders", "smugglers"]
precedence = ["members", "sailors", "smugglers", "raiders"]
delegitimising = ["raiders", "smugglers"]

"""
#: Its framing map: the league's delegitimising share against the guild's naming.
MAP = """[map.x]
actor = "league"
labels = ["raiders", "smugglers"]

[map.y]
actor = "guild"
labels = ["named"]
"""
#: The whole scheme file.
HARBOUR = (
    '\nname = "harbour"\nversion = "1"\n\n[guidelines]\ndocument = "harbour-guidelines.md"\nversion = "0.1"\n\n'
    + ACTORS
    + '[voice]\nlabels = ["none", "own", "reported"]\n\n'
    + MAP
)
