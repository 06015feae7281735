"""Running Paperdesk in production: the client's address behind a proxy, request ids and
structured logs, health and readiness probes, Prometheus metrics, and a migrate that two
hosts may start at once."""
