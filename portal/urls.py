"""The public portal's addresses. Articles keep the website channel's permalink
/berita/<slug>/; lists live one level deeper, so no article slug can shadow them (and
rss.xml/atom.xml are not slugs)."""

from __future__ import annotations

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from portal import feeds, sitemaps, views
from portal.caching import portal_page

app_name = "portal"
urlpatterns = [
    path("berita/", views.home, name="home"),
    path("berita/rss.xml", portal_page(feeds.LatestArticles()), name="rss"),
    path("berita/atom.xml", portal_page(feeds.LatestArticlesAtom()), name="atom"),
    path("berita/kategori/<slug:slug>/", views.category, name="category"),
    path("berita/topik/<slug:slug>/", views.tag, name="tag"),
    path("berita/wilayah/<str:code>/", views.region, name="region"),
    path("berita/arsip/<int:year>/<int:month>/", views.month, name="month"),
    path("berita/<slug:slug>/", views.article, name="article"),
    path("cari/", views.search_page, name="search"),
    path(
        "sitemap.xml",
        portal_page(sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap",
    ),
    path("sitemap-berita.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
