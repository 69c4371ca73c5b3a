"""The downstream project's own service: a Flask app that starts connector syncs in Elasticsearch."""

from elasticsearch9 import Elasticsearch
from flask import Flask, jsonify


def create_service(es_url: str, auth) -> Flask:
    app = Flask("service")
    es = Elasticsearch(es_url, basic_auth=auth, retry_on_status=(503,), max_retries=3)

    @app.post("/sync/<connector_id>")
    def sync(connector_id):
        job = es.connector.sync_job_post(id=connector_id, job_type="full")
        return jsonify(job_id=job["id"])

    return app
