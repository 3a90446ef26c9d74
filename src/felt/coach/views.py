from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def practice(request):
    return HttpResponse("Practice is being built.")
