"""Version of the rule set: bump it whenever a rule or an offense list changes, so that every stored
determination can be traced to the rules that produced it."""

RULE_SET_VERSION = "2026.11.2"
