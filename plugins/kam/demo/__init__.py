"""The seeded demo source systems: an order system (SQLite) and CRM exports.

`python -m kam.demo.generate` (or `kam.demo.generate.generate()`) writes a drop
in the format of ../shared/spec/sources.md. The drop is a view, as of a date D,
of a simulated world that does not depend on D: the drops of consecutive nights
continue each other, as real source systems do.
"""
