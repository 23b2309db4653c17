"""The health check and the service answers."""

from __future__ import annotations


def test_health_reports_database_and_queues_up(client):
    # Given the local services are running / When the health is asked
    response = client.http.get("/health")
    # Then both dependencies are reported up
    assert response.status_code == 200
    assert response.json_body == {"status": "ok", "checks": {"database": "ok", "queues": "ok"}}


def test_unknown_route_is_not_a_server_error(client):
    response = client.http.get("/no-such-thing")
    assert 400 <= response.status_code < 500
