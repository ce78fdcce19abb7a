from django.urls import path

from hoso.reports import problem_views, views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("chuyen-doi/", views.migration, name="migration"),
    path("chuyen-doi/thong-bao/", views.notify, name="notify"),
    path("ivan/", views.ivans, name="ivans"),
    path("vuong-mac/", problem_views.problem_list, name="problems"),
    path("vuong-mac/moi/", problem_views.problem_new, name="problem_new"),
    path("vuong-mac/<int:pk>/", problem_views.problem_detail, name="problem"),
]
