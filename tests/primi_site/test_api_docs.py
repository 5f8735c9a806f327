"""The OpenAPI document: every operation documents its answers, errors and examples."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_interactive_docs_load_their_assets_from_the_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "PRIMI international API"
    assert "/api/v1/events" in schema["paths"]


def test_every_operation_documents_a_success_and_its_errors_with_examples(schema):
    for path, method, operation in operations(schema):
        codes = {int(code) for code in operation["responses"]}
        assert any(200 <= code < 300 for code in codes), (method, path)
        if operation.get("security"):
            assert {401, 403, 429} <= codes, (method, path, codes)
        if "requestBody" in operation:
            assert {400, 413, 422} <= codes, (method, path, codes)
        if "{" in path:
            assert 404 in codes, (method, path, codes)
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                content = response["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
                assert content["example"]["status"] == int(code)
                assert response["description"]
            if int(code) == 429:
                assert "Retry-After" in response["headers"]


def test_bodies_refuse_unknown_fields_in_the_document_too(schema):
    components = schema["components"]["schemas"]
    for name in ("TokenIn", "WebhookEndpointIn"):
        assert components[name]["additionalProperties"] is False
        assert components[name]["examples"]


def test_both_ways_of_authenticating_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    kinds = {
        (scheme["type"], scheme.get("scheme") or scheme.get("in")) for scheme in schemes.values()
    }
    assert kinds == {("http", "bearer"), ("apiKey", "cookie")}
