app_name = "sentences"
urlpatterns: list = []  # type: ignore[type-arg]
