"""Integration tests: the real server on a loopback port with a temporary database."""
