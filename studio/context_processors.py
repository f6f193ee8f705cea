from django.conf import settings


def studio(request) -> dict:
    return {"STUDIO_TIME_ZONE": settings.TIME_ZONE}
