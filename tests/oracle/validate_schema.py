"""Validates JSON files against a JSON Schema with the jsonschema package.

Usage: validate_schema.py SCHEMA FILE...
Prints one line per invalid file (the first error, with its JSON path) and
exits 1 if any file is invalid, 0 if all are valid.
"""
import json
import sys

import jsonschema

schema_path, *files = sys.argv[1:]
with open(schema_path) as f:
    schema = json.load(f)
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
validator = validator_class(schema)
bad = 0
for path in files:
    with open(path) as f:
        doc = json.load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        bad += 1
        e = errors[0]
        where = "/".join(str(p) for p in e.path) or "(top level)"
        print(f"{path}: {where}: {e.message[:300]}")
print(f"{len(files) - bad} of {len(files)} valid against {schema_path}")
sys.exit(1 if bad else 0)
