app_name = "imports"
urlpatterns: list = []  # type: ignore[type-arg]
