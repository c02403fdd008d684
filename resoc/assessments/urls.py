app_name = "assessments"
urlpatterns: list = []  # type: ignore[type-arg]
