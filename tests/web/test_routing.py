"""Deferred URL builders build exactly what werkzeug's eager ones build."""

from __future__ import annotations

from flask import Flask

from helper.web import create_app


def test_every_rule_builds_the_same_url_as_plain_flask(waymark_home):
    app = create_app({"TESTING": True, "PORT": 5000})
    plain = Flask(__name__, static_folder=None)
    for rule in app.url_map.iter_rules():
        plain.add_url_rule(rule.rule, rule.endpoint, lambda **_: "", methods=rule.methods)
    with app.test_request_context(), plain.test_request_context():
        for rule in app.url_map.iter_rules():
            values = {name: "x1" for name in rule.arguments}
            ours = app.url_for(rule.endpoint, **values, extra="y")
            theirs = plain.url_for(rule.endpoint, **values, extra="y")
            assert ours == theirs, rule.endpoint
