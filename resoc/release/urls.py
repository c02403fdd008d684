app_name = "release"
urlpatterns: list = []  # type: ignore[type-arg]
