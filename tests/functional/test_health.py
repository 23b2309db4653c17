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


def test_health_answers_503_when_the_database_is_down(client, monkeypatch):
    from chalicelib.dal import probes
    from ops.services import free_port

    # Given the database endpoint stops answering (nothing listens on that port)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{free_port()}")
    probes._impatient.cache_clear()
    try:
        response = client.http.get("/health")
    finally:
        monkeypatch.undo()
        probes._impatient.cache_clear()
    # Then the health check says which dependency is down, quickly and without a 500
    assert response.status_code == 503
    assert response.json_body == {"status": "degraded", "checks": {"database": "down", "queues": "ok"}}
