from django.shortcuts import get_object_or_404, render

from .models import Venue


def home(request):
    return render(request, "venues/home.html", {"venues": Venue.objects.all()})


def cfp(request, venue_slug):
    venue = get_object_or_404(Venue, slug=venue_slug)
    return render(request, "venues/cfp.html", {"venue": venue})


def dates(request, venue_slug):
    venue = get_object_or_404(Venue, slug=venue_slug)
    return render(request, "venues/dates.html", {"venue": venue})


def dates_ics(request, venue_slug):
    raise NotImplementedError


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
