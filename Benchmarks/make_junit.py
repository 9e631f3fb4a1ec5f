#!/usr/bin/env python3
"""Writes a large JUnit XML report to stdout, streamed (constant memory).

    make_junit.py TESTS FAILURES [SUITES]

TESTS test cases in SUITES suites (default 100); FAILURES of them fail, spread evenly, each
with a message, a stack trace and system-out in CDATA; passing tests carry system-out too,
holding text that looks like markup (`<failure>`), as real reports do.
"""
import sys

tests, failures = int(sys.argv[1]), int(sys.argv[2])
suites = int(sys.argv[3]) if len(sys.argv) > 3 else 100
step = tests // failures if failures else tests + 1
out = sys.stdout
out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="%d" failures="%d">\n' % (tests, failures))
per_suite = (tests + suites - 1) // suites
index = 0
for suite in range(suites):
    out.write('  <testsuite name="com.example.Suite%d" tests="%d">\n' % (suite, per_suite))
    buffer = []
    for _ in range(per_suite):
        if index >= tests:
            break
        name = 'test%07d' % index
        if failures and index % step == 0 and index // step < failures:
            buffer.append('    <testcase classname="com.example.Suite%d" name="%s" time="0.001">'
                          '<failure message="expected: &lt;%d&gt; but was: &lt;0&gt;" type="java.lang.AssertionError">'
                          'java.lang.AssertionError: expected &lt;%d&gt;\n\tat com.example.Suite%d.%s(Suite.java:%d)</failure>'
                          '<system-out><![CDATA[log line <failure> for %s]]></system-out></testcase>\n'
                          % (suite, name, index, index, suite, name, index % 1000, name))
        else:
            buffer.append('    <testcase classname="com.example.Suite%d" name="%s" time="0.001"/>\n' % (suite, name))
        index += 1
        if len(buffer) >= 10000:
            out.write(''.join(buffer))
            buffer = []
    out.write(''.join(buffer))
    out.write('  </testsuite>\n')
out.write('</testsuites>\n')
