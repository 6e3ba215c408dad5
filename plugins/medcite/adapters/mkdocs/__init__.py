"""The MkDocs (and ProperDocs) plugin ``citations``: wires the linter into a build and logs its findings."""
