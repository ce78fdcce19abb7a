from django.urls import path

from hoso.reports import problem_views, scorecard_views, views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("chuyen-doi/", views.migration, name="migration"),
    path("chuyen-doi/thong-bao/", views.notify, name="notify"),
    path("thong-bao/", views.notices, name="notices"),
    path("thong-bao/<int:pk>/thu.pdf", views.notice_letter, name="notice_letter"),
    path("thong-bao/gui-lai/", views.outbox_requeue, name="outbox_requeue"),
    path("ivan/", views.ivans, name="ivans"),
    path("chi-so-phuc-vu/", scorecard_views.scorecard_page, name="scorecard"),
    path("vuong-mac/", problem_views.problem_list, name="problems"),
    path("vuong-mac/moi/", problem_views.problem_new, name="problem_new"),
    path("vuong-mac/<int:pk>/", problem_views.problem_detail, name="problem"),
]
