#!/usr/bin/env python3
"""Replaces the tables between the results markers of docs/performance.md with performance-summary.py's output for
a result directory. Usage: perf/scripts/update-performance-doc.py DIR"""
import os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
doc = os.path.join(here, "..", "..", "docs", "performance.md")
tables = subprocess.run([sys.executable, os.path.join(here, "performance-summary.py"), sys.argv[1]],
                        capture_output=True, text=True, check=True).stdout.strip()
text = open(doc).read()
begin = text.index("<!-- results:begin")
begin = text.index("\n", begin) + 1
end = text.index("<!-- results:end -->")
open(doc, "w").write(text[:begin] + tables + "\n" + text[end:])
