#!/usr/bin/env python3
"""Regenerates Sources/Scenarios/BuiltinScenarios.swift from scenarios/quickstart.yaml."""
import pathlib
root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "scenarios/quickstart.yaml").read_text()
assert '"""#' not in text
(root / "Sources/Scenarios/BuiltinScenarios.swift").write_text(
    "/// Scenarios compiled into the binary, so `flywheel run` works from any folder.\n"
    "public enum BuiltinScenarios {\n"
    "    /// The text of `scenarios/quickstart.yaml` (a test keeps the two identical;\n"
    "    /// `scripts/embed-quickstart.py` regenerates this file).\n"
    "    public static let quickstart = #\"\"\"\n" + text + "\n\"\"\"#\n}\n")
