"""Client households and their family members."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper


class ClientQuerySet(models.QuerySet):
    def search(self, text: str):
        """Name, email, phone or a family member's name; each word must match somewhere.

        Family members are matched with EXISTS, not a join, so rows are never
        repeated and counts annotated on the result stay right.
        """
        qs = self
        for word in text.split():
            digits = "".join(ch for ch in word if ch.isdigit())
            member = FamilyMember.objects.filter(client=OuterRef("pk")).filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
            cond = (
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(email__icontains=word)
                | Exists(member)
            )
            if len(digits) >= 3:
                cond |= Q(phone_digits__contains=digits)
            qs = qs.filter(cond)
        return qs


class Client(models.Model):
    """A household the studio photographs."""

    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Digits only, so "(555) 123-4567" is found by "5551234".
    phone_digits = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    address = models.CharField("street address", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField("state / region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(Upper("last_name"), Upper("first_name"), name="client_name_upper_idx"),
            models.Index(Upper("email"), name="client_email_upper_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(last_name=""), name="client_last_name_required"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}" if self.first_name else self.last_name

    def save(self, *args, **kwargs):
        self.phone_digits = "".join(ch for ch in self.phone if ch.isdigit())
        if kwargs.get("update_fields") is not None and "phone" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "phone_digits"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def full_address(self) -> str:
        city = f"{self.city}," if self.city and self.state else self.city
        line2 = " ".join(part for part in (city, self.state, self.postal_code) if part)
        return "\n".join(part for part in (self.address, line2) if part)



class Relationship(models.TextChoices):
    SELF = "self", "Self"
    SPOUSE = "spouse", "Spouse / partner"
    CHILD = "child", "Child"
    PARENT = "parent", "Parent"
    GRANDPARENT = "grandparent", "Grandparent"
    GRANDCHILD = "grandchild", "Grandchild"
    SIBLING = "sibling", "Sibling"
    PET = "pet", "Pet"
    OTHER = "other", "Other"


class FamilyMember(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="family_members")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True, help_text="Blank: the household's.")
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.OTHER)
    birth_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["client_id", "birth_date", "first_name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(first_name=""), name="familymember_first_name_required"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name or self.client.last_name}".strip()

    @property
    def full_name(self) -> str:
        return str(self)
