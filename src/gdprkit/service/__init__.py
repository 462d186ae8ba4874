"""The privacy service: the façade applications store and read personal data through.

See :class:`PrivacyService`; ``docs/tutorial.md`` walks through storing a customer,
running time forward and sweeping.
"""

from gdprkit.service._service import EMAIL_INDEX, FieldValue, PrivacyService

__all__ = ["EMAIL_INDEX", "FieldValue", "PrivacyService"]
