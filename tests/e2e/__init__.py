"""End-to-end tests on private Xvfb displays: real capture, real injection, real windows."""
