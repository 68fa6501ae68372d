"""The rules engine: plain Python, no Django. Records in, determinations out."""
