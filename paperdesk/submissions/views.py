def mine(request):
    raise NotImplementedError


def create(request, venue_slug):
    raise NotImplementedError


def chair_table(request, venue_slug):
    raise NotImplementedError


def detail(request, public_id):
    raise NotImplementedError


def claim(request, token):
    raise NotImplementedError
