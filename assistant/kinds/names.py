"""The names of the kinds in this package, for modules that must know them without importing the kinds."""

KINDS = ("check", "threshold", "average", "linked", "largest")
