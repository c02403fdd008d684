app_name = "plans"
urlpatterns: list = []  # type: ignore[type-arg]
