import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [model for model in apps.get_app_config("articles").get_models()]


def test_every_model_is_in_the_admin():
    assert CONTENT_MODELS
    for model in CONTENT_MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_add_form_open_on_the_report(admin_client, report, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    first = model.objects.first()
    change = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
    assert admin_client.get(change).status_code == 200


def test_admin_is_branded_and_needs_a_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert "Newsroom" in response.content.decode()
