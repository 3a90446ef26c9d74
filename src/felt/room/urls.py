app_name = "room"
urlpatterns = []
