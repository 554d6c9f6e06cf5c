"""Helps schemathesis produce endpoint values that pass the rules a JSON schema cannot state.

An IP endpoint's value must be a CIDR range without host bits set and port ranges that go from
the lower port to the higher (`check_address`, `check_ports` in domain/src/network/values.rs).
Random schema-valid values rarely are, so without help the stateful phase seldom creates an item
and never reaches the operations on one. This hook turns a generated range into its network
(`10.1.2.3/8` -> `10.0.0.0/8`) and a reversed port range around (`8080-8000` -> `8000-8080`).
It changes nothing a schema check looks at, so invalid cases stay invalid, and every check
still runs on every response. Loaded by scripts/schemathesis through SCHEMATHESIS_HOOKS.
"""

import ipaddress

import schemathesis


def _network(address):
    if "/" not in address:
        return address
    try:
        return str(ipaddress.ip_network(address, strict=False))
    except ValueError:
        return address


def _ordered(port):
    low, dash, high = port.partition("-")
    low, high = low.strip(), high.strip()
    if dash and low.isascii() and low.isdigit() and high.isascii() and high.isdigit():
        if int(low) > int(high):
            return f"{high}-{low}"
    return port


def _fix(value):
    address = value.get("address")
    if isinstance(address, str):
        value["address"] = _network(address)
    ports = value.get("ports")
    if isinstance(ports, list) and all(isinstance(port, str) for port in ports):
        value["ports"] = [_ordered(port) for port in ports]


@schemathesis.hook("map_body")
def endpoint_values_that_pass_the_rules(ctx, body):
    if not isinstance(body, dict):
        return body
    # An endpoint item's `value`, or the entries of MCM v3's egress document (`ipList`).
    value = body.get("value")
    if isinstance(value, dict):
        _fix(value)
    entries = body.get("ipList")
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict):
                _fix(entry)
    return body
