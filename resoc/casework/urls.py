app_name = "casework"
urlpatterns: list = []  # type: ignore[type-arg]
