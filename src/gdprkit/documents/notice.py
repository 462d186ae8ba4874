"""The privacy notice, generated from the policy (Art. 12, 13, 14 and 21(4)).

:func:`privacy_notice` builds a :class:`~gdprkit.documents.model.Document` whose items
say which provision of Art. 13 or 14 they fulfil. Every item of Art. 13(1)(a)-(f) and
13(2)(a)-(f), and Art. 14(1)(d) and 14(2)(f), is either given or stated not to apply
with a reason; otherwise generation fails with a
:class:`~gdprkit.errors.DocumentError` listing what is missing (LEGAL.md NOT-01,
NOT-02). The right to object is its own section, set apart, whenever a purpose rests on
Art. 6(1)(e) or (f) or is direct marketing (Art. 21(4); NOT-05, DSR-18).

Everything is derived: names of recipients, retention in plain words from the rules
(:func:`gdprkit.legaltime.explain.describe_rule`), security from the declared systems,
the legal bases from the enums. A changed policy changes the notice; nothing is a
fixed template text about the organisation.
"""

from __future__ import annotations

from collections.abc import Iterable

from gdprkit.documents import _words as w
from gdprkit.documents._common import (
    Context,
    check_language,
    outside_eea,
    retention_text,
    security_points,
    transfer_text,
)
from gdprkit.documents.cookies import lifetime_text, tracker_groups
from gdprkit.documents.model import (
    Coverage,
    Document,
    DocumentKind,
    Item,
    ItemStatus,
    Layer,
    Section,
)
from gdprkit.legaltime.explain import format_date, law_name
from gdprkit.policy.model import Policy, Purpose, Recipient
from gdprkit.policy.vocab import LegalBasis, ProvisionRequirement

__all__ = ["REQUIRED_PROVISIONS", "missing_provisions", "privacy_notice"]

REQUIRED_PROVISIONS = (
    "13(1)(a)",
    "13(1)(b)",
    "13(1)(c)",
    "13(1)(d)",
    "13(1)(e)",
    "13(1)(f)",
    "13(2)(a)",
    "13(2)(b)",
    "13(2)(c)",
    "13(2)(d)",
    "13(2)(e)",
    "13(2)(f)",
    "14(1)(d)",
    "14(2)(f)",
    "21(4)",
)
"""Every provision a notice must meet or state not to apply (NOT-01, NOT-02, NOT-05)."""

_PORTABLE = {LegalBasis.CONSENT, LegalBasis.CONTRACT}


def _article(reference: str) -> str:
    return reference.removeprefix("Art. ")


class _Notice:
    """Builds the sections of one notice; each method reads the policy, never a template."""

    def __init__(self, policy: Policy, language: str, layer: Layer) -> None:
        self.policy = policy
        self.ctx = Context(policy=policy, language=language, what="privacy notice")
        self.sv = language == "sv"
        self.full = layer is Layer.FULL
        self.lang = language

    # -- small helpers -------------------------------------------------------

    def s(self, en: str, sv: str) -> str:
        return sv if self.sv else en

    def cite(self, reference: str) -> str:
        return w.cite(reference, self.lang)

    def name(self, purpose: Purpose) -> str:
        return self.ctx.t(purpose.name, f"purposes.{purpose.id}.name")

    def names(self, purposes: Iterable[Purpose]) -> str:
        return w.join([w.quoted(self.name(p), self.lang) for p in purposes], self.lang)

    def label(self, category_id: str) -> str:
        category = self.policy.category(category_id)
        return self.ctx.t(category.label, f"categories.{category_id}.label")

    def not_applicable(self, item_id: str, provision: str, reason: str) -> Item:
        return Item(
            id=item_id, text=reason, provisions=(provision,), status=ItemStatus.NOT_APPLICABLE
        )

    def contact_line(self) -> str:
        contact = self.policy.organisation.contact
        parts = [contact.name, contact.email, contact.phone, contact.address]
        return ", ".join(p for p in parts if p)

    # -- sections ------------------------------------------------------------

    def controller(self) -> Section:
        org = self.policy.organisation
        number = (
            self.s(
                f" (organisation number {org.organisation_number})",
                f" (organisationsnummer {org.organisation_number})",
            )
            if org.organisation_number
            else ""
        )
        text = self.s(
            f"{org.legal_name}{number} is the controller for the processing of personal data "
            "described in this notice.",
            f"{org.legal_name}{number} är personuppgiftsansvarig för den behandling av "
            "personuppgifter som beskrivs i den här informationen.",
        )
        contact = org.contact
        points = [f"{self.s('Contact', 'Kontakt')}: {contact.name}"]
        for value, en, sv in (
            (contact.email, "E-mail", "E-post"),
            (contact.phone, "Telephone", "Telefon"),
            (contact.address, "Postal address", "Postadress"),
        ):
            if value:
                points.append(f"{self.s(en, sv)}: {value}")
        if org.representative is not None:
            rep = org.representative
            details = ", ".join(p for p in (rep.name, rep.email, rep.phone, rep.address) if p)
            label = self.s("Representative in the Union", "Företrädare i unionen")
            points.append(f"{label} ({self.cite('27')}): {details}")
        items = [Item(id="controller", text=text, points=tuple(points), provisions=("13(1)(a)",))]
        if org.dpo is not None:
            dpo = org.dpo
            details = ", ".join(p for p in (dpo.name, dpo.email, dpo.phone, dpo.address) if p)
            items.append(
                Item(
                    id="dpo",
                    text=f"{self.s('Data protection officer', 'Dataskyddsombud')}: {details}",
                    provisions=("13(1)(b)",),
                )
            )
        else:
            items.append(
                self.not_applicable(
                    "dpo",
                    "13(1)(b)",
                    self.s(
                        f"We have not designated a data protection officer ({self.cite('37')}); "
                        "contact us as above.",
                        f"Vi har inte utsett något dataskyddsombud ({self.cite('37')}); "
                        "kontakta oss enligt ovan.",
                    ),
                )
            )
        return Section(
            id="controller",
            title=self.s("Who is responsible for your personal data", "Personuppgiftsansvarig"),
            items=tuple(items),
        )

    def data(self) -> Section:
        points = []
        for category in self.policy.categories:
            label = self.label(category.id)
            notes = []
            if category.special:
                notes.append(
                    self.s(
                        f"a special category of personal data, {self.cite('9(1)')}",
                        f"känsliga personuppgifter, {self.cite('9.1')}",
                    )
                )
            if category.criminal_offence:
                notes.append(self.s(f"see {self.cite('10')}", f"se {self.cite('10')}"))
            points.append(f"{label} ({'; '.join(notes)})" if notes else label)
        items = [
            Item(
                id="categories",
                text=self.s(
                    "We process these categories of personal data:",
                    "Vi behandlar följande kategorier av personuppgifter:",
                ),
                points=tuple(points),
                provisions=("14(1)(d)",),
            )
        ]
        elsewhere = [c for c in self.policy.categories if not c.collected_from_subject]
        if elsewhere:
            sources = []
            for category in elsewhere:
                if not category.source:
                    self.ctx.missing(
                        f"categories.{category.id}.source", "the source is missing (Art. 14(2)(f))"
                    )
                public = self.s(
                    "a publicly accessible source"
                    if category.source_public
                    else "not a publicly accessible source",
                    "en allmänt tillgänglig källa"
                    if category.source_public
                    else "inte en allmänt tillgänglig källa",
                )
                sources.append(f"{self.label(category.id)}: {category.source} ({public})")
            items.append(
                Item(
                    id="sources",
                    text=self.s(
                        "We obtain some data from others than you:",
                        "Vissa uppgifter får vi från andra än dig:",
                    ),
                    points=tuple(sources),
                    provisions=("14(2)(f)",),
                )
            )
        else:
            items.append(
                self.not_applicable(
                    "sources",
                    "14(2)(f)",
                    self.s(
                        "We collect all personal data from you.",
                        "Vi samlar in alla personuppgifter från dig.",
                    ),
                )
            )
        return Section(
            id="data",
            title=self.s("What personal data we process", "Vilka personuppgifter vi behandlar"),
            items=tuple(items),
        )

    def basis(self, purpose: Purpose) -> str:
        basis = purpose.legal_basis
        text = (
            f"{self.s('Legal basis', 'Rättslig grund')}: {self.ctx.w(w.BASIS[basis])} "
            f"({self.cite(_article(basis.article))})"
        )
        if purpose.law_reference:
            text += f" {self.s('under', 'enligt')} {purpose.law_reference}"
        return text

    def special(self, purpose: Purpose) -> str | None:
        special = [c for c in purpose.categories if self.policy.category(c).special]
        if not special:
            return None
        condition = purpose.special_condition
        labels = w.join([self.label(c) for c in special], self.lang)
        if condition is None:
            self.ctx.missing(
                f"purposes.{purpose.id}.special_condition",
                "special categories need their Art. 9(2) condition",
            )
            return None
        text = (
            f"{self.s('Special categories of personal data', 'Känsliga personuppgifter')}: "
            f"{labels}, {self.s('on the condition of', 'med stöd av')} "
            f"{self.ctx.w(w.SPECIAL[condition])} ({self.cite(_article(condition.article))})"
        )
        if purpose.special_law_reference:
            text += f" {self.s('under', 'enligt')} {purpose.special_law_reference}"
        return text

    def purposes(self) -> Section:
        items = []
        for purpose in self.policy.purposes:
            path = f"purposes.{purpose.id}"
            points = [
                f"{self.s('Personal data', 'Personuppgifter')}: "
                + ", ".join(w.list_item(self.label(c), self.lang) for c in purpose.categories),
                self.basis(purpose),
            ]
            provisions = ["13(1)(c)"]
            if purpose.legitimate_interest is not None:
                interest = self.ctx.t(purpose.legitimate_interest, f"{path}.legitimate_interest")
                points.append(
                    f"{self.s('Our legitimate interest', 'Vårt berättigade intresse')}: {interest}"
                )
                provisions.append("13(1)(d)")
            special = self.special(purpose)
            if special:
                points.append(special)
            if self.full:
                subjects = [
                    self.ctx.t(s.label, f"subject_categories.{s.id}.label")
                    for s in self.policy.subject_categories
                    if s.id in purpose.subject_categories
                ]
                if subjects:
                    points.insert(
                        0, f"{self.s('Whose data', 'Vems uppgifter')}: {', '.join(subjects)}"
                    )
            items.append(
                Item(
                    id=f"purpose.{purpose.id}",
                    heading=self.name(purpose),
                    text=self.ctx.t(purpose.description, f"{path}.description")
                    if self.full
                    else "",
                    points=tuple(points),
                    provisions=tuple(provisions),
                )
            )
        if not any(p.legal_basis is LegalBasis.LEGITIMATE_INTERESTS for p in self.policy.purposes):
            items.append(
                self.not_applicable(
                    "legitimate_interests",
                    "13(1)(d)",
                    self.s(
                        "We do not process personal data on the basis of legitimate interests.",
                        "Vi behandlar inga personuppgifter med stöd av berättigat intresse.",
                    ),
                )
            )
        return Section(
            id="purposes",
            title=self.s(
                "Why we process your personal data, and on which legal basis",
                "Varför vi behandlar dina personuppgifter och med vilken rättslig grund",
            ),
            items=tuple(items),
        )

    def recipient_item(self, recipient: Recipient) -> Item:
        path = f"recipients.{recipient.id}"
        used_for = [p for p in self.policy.purposes if recipient.id in p.recipients]
        role = w.ROLE[recipient.role] if self.full else w.ROLE_SHORT[recipient.role]
        points = [
            f"{self.s('Role', 'Roll')}: {self.ctx.w(role)}",
            f"{self.s('Country', 'Land')}: {w.country(recipient.country, self.lang)}",
        ]
        contract = recipient.contract
        if self.full and contract is not None:
            if contract.documented_instructions:
                points.append(
                    self.s(
                        "May process the data only on our documented instructions, not for "
                        f"other purposes ({self.cite('28(3)(a)')}).",
                        "Får bara behandla uppgifterna enligt våra dokumenterade instruktioner "
                        f"och inte för andra ändamål ({self.cite('28(3)(a)')}).",
                    )
                )
            if contract.confidentiality:
                points.append(
                    self.s(
                        f"Is bound to keep the data confidential ({self.cite('28(3)(b)')}).",
                        f"Är skyldig att hålla uppgifterna hemliga ({self.cite('28(3)(b)')}).",
                    )
                )
        if outside_eea(recipient):
            points.append(
                f"{self.s('Transfer outside the EU/EEA', 'Överföring utanför EU/EES')}: "
                f"{transfer_text(recipient, self.ctx)}"
            )
        if used_for:
            points.append(
                f"{self.s('Receives data for', 'Tar emot uppgifter för')}: {self.names(used_for)}"
            )
        text = self.ctx.t(recipient.description, f"{path}.description") if self.full else ""
        return Item(
            id=f"recipient.{recipient.id}",
            heading=recipient.name,
            text=text,
            points=tuple(points),
            provisions=("13(1)(e)",),
        )

    def recipients(self) -> Section:
        items = [self.recipient_item(r) for r in self.policy.recipients]
        if not items:
            items.append(
                Item(
                    id="recipients.none",
                    text=self.s(
                        "We do not disclose your personal data to anyone outside our organisation.",
                        "Vi lämnar inte ut dina personuppgifter till någon utanför vår "
                        "organisation.",
                    ),
                    provisions=("13(1)(e)",),
                )
            )
        abroad = [r for r in self.policy.recipients if outside_eea(r)]
        if abroad:
            items.append(
                Item(
                    id="transfers",
                    text=self.s(
                        "We transfer personal data outside the EU/EEA only with the safeguards "
                        "below. You can get a copy of them by contacting us.",
                        "Vi för över personuppgifter utanför EU/EES endast med skyddsåtgärderna "
                        "nedan. Du kan få en kopia av dem genom att kontakta oss.",
                    ),
                    points=tuple(
                        f"{r.name} ({w.country(r.country, self.lang)}): "
                        f"{transfer_text(r, self.ctx)}"
                        for r in abroad
                    ),
                    provisions=("13(1)(f)",),
                )
            )
        else:
            items.append(
                self.not_applicable(
                    "transfers",
                    "13(1)(f)",
                    self.s(
                        "We do not transfer personal data to countries outside the EU/EEA.",
                        "Vi för inte över personuppgifter till länder utanför EU/EES.",
                    ),
                )
            )
        return Section(
            id="recipients",
            title=self.s(
                "Who receives your personal data", "Vilka som tar emot dina personuppgifter"
            ),
            items=tuple(items),
        )

    def retention(self) -> Section:
        points = tuple(
            f"{self.name(p)}: {retention_text(p, self.ctx)}." for p in self.policy.purposes
        )
        text = self.s(
            "We keep personal data only as long as the purpose requires. When the same data "
            "serves several purposes, it is kept until the longest of their periods has ended. "
            "The retention period for each purpose:",
            "Vi sparar personuppgifter bara så länge som ändamålet kräver. När samma uppgifter "
            "används för flera ändamål sparas de tills den längsta av lagringstiderna har löpt "
            "ut. Lagringstiden för varje ändamål:",
        )
        return Section(
            id="retention",
            title=self.s("How long we keep your personal data", "Hur länge vi sparar uppgifterna"),
            items=(Item(id="retention", text=text, points=points, provisions=("13(2)(a)",)),),
        )

    def security(self) -> Section:
        items = [
            Item(
                id=f"system.{system.id}",
                heading=system.name,
                text=self.ctx.t(system.description, f"systems.{system.id}.description"),
                points=tuple(security_points(system, self.ctx)),
            )
            for system in self.policy.systems
        ]
        if self.policy.roles:
            roles = []
            for role in self.policy.roles:
                served = [p for p in self.policy.purposes if p.id in role.purposes]
                label = self.ctx.t(role.label, f"roles.{role.id}.label")
                roles.append(f"{label}: {self.names(served)}")
            items.append(
                Item(
                    id="need_to_know",
                    heading=self.s("Need-to-know access", "Behörighet efter behov"),
                    text=self.s(
                        "Only employees who need the information to carry out a specific task "
                        "are given access, and only to the data that task needs "
                        f"({w.cites(('25(2)', '32(4)'), self.lang)}). The roles with access, "
                        "and the purposes they serve:",
                        "Endast anställda som behöver informationen för att utföra en specifik "
                        "arbetsuppgift får tillgång till den, och bara till de uppgifter som "
                        f"uppgiften kräver ({w.cites(('25(2)', '32(4)'), self.lang)}). Roller "
                        "med åtkomst och de ändamål de arbetar med:",
                    ),
                    points=tuple(roles),
                )
            )
        return Section(
            id="security",
            title=self.s("How we protect your personal data", "Så skyddar vi dina personuppgifter"),
            text=self.s(
                f"We protect personal data with these technical and organisational measures "
                f"({self.cite('32')}):",
                "Vi skyddar personuppgifterna med följande tekniska och organisatoriska "
                f"åtgärder ({self.cite('32')}):",
            ),
            items=tuple(items),
        )

    def erasure_exception(self) -> str:
        kept = []
        for purpose in self.policy.purposes:
            if purpose.legal_basis is not LegalBasis.LEGAL_OBLIGATION:
                continue
            rule = purpose.retention
            reference = (rule.law_reference if rule else None) or purpose.law_reference or ""
            kept.append(f"{self.name(purpose)} ({self.ctx.w(law_name(reference))})")
        if not kept:
            return ""
        return self.s(
            " The right to erasure does not apply where the law requires us to keep the data "
            f"({self.cite('17(3)(b)')}): {w.join(kept, 'en')}.",
            " Rätten att få personuppgifter raderade gäller inte när vi enligt lag är skyldiga "
            f"att behålla uppgifterna ({self.cite('17(3)(b)')}): {w.join(kept, 'sv')}.",
        )

    def rights(self, objection: bool) -> Section:  # noqa: FBT001 - private, one caller
        org = self.policy.organisation
        contact = self.contact_line()
        portable = [p for p in self.policy.purposes if p.legal_basis in _PORTABLE]
        items = [
            Item(
                id="right.access",
                heading=self.s(
                    f"Right of access ({self.cite('15')})",
                    f"Rätt till tillgång ({self.cite('15')})",
                ),
                text=self.s(
                    "You can find out what personal data we have about you, if any, and get a "
                    "copy of it.",
                    "Du kan få veta vilka personuppgifter vi har om dig, om några, och få en "
                    "kopia av dem.",
                ),
                provisions=("13(2)(b)",),
            ),
            Item(
                id="right.rectification",
                heading=self.s(
                    f"Right to rectification ({self.cite('16')})",
                    f"Rätt till rättelse ({self.cite('16')})",
                ),
                text=self.s(
                    "You can have incorrect data about you corrected and incomplete data "
                    "completed.",
                    "Du kan få felaktiga uppgifter om dig rättade och ofullständiga uppgifter "
                    "kompletterade.",
                ),
                provisions=("13(2)(b)",),
            ),
            Item(
                id="right.erasure",
                heading=self.s(
                    f"Right to erasure ({self.cite('17')})",
                    f"Rätt till radering ({self.cite('17')})",
                ),
                text=self.s(
                    "You can ask us to erase the personal data we have about you.",
                    "Du kan be oss radera de personuppgifter vi har om dig.",
                )
                + self.erasure_exception(),
                provisions=("13(2)(b)",),
            ),
            Item(
                id="right.restriction",
                heading=self.s(
                    f"Right to restriction of processing ({self.cite('18')})",
                    f"Rätt till begränsning av behandling ({self.cite('18')})",
                ),
                text=self.s(
                    "You can ask us to restrict the processing, for example while we check "
                    "whether data is correct.",
                    "Du kan begära att vi begränsar behandlingen, till exempel medan vi "
                    "kontrollerar att uppgifterna är korrekta.",
                ),
                provisions=("13(2)(b)",),
            ),
            Item(
                id="right.portability",
                heading=self.s(
                    f"Right to data portability ({self.cite('20')})",
                    f"Rätt till dataportabilitet ({self.cite('20')})",
                ),
                text=self.s(
                    "Data you have given us that we process on the basis of consent or a "
                    "contract can be given to you in a structured, machine-readable format and "
                    f"transmitted to another controller. This applies to: {self.names(portable)}.",
                    "Uppgifter som du har lämnat till oss och som vi behandlar med stöd av "
                    "samtycke eller avtal kan du få ut i ett strukturerat, maskinläsbart format "
                    "och få överförda till en annan personuppgiftsansvarig. Det gäller: "
                    f"{self.names(portable)}.",
                )
                if portable
                else self.s(
                    "This right applies to processing based on consent or a contract; we have "
                    "none.",
                    "Rätten gäller behandling med stöd av samtycke eller avtal; sådan behandling "
                    "har vi inte.",
                ),
                provisions=("13(2)(b)",),
            ),
            Item(
                id="right.objection",
                heading=self.s(
                    f"Right to object ({self.cite('21')})",
                    f"Rätt att invända ({self.cite('21')})",
                ),
                text=self.s(
                    "See the separate section “Your right to object” below.",
                    "Se det särskilda avsnittet ”Din rätt att invända” nedan.",
                )
                if objection
                else self.s(
                    "You can object to processing based on a task in the public interest or on "
                    "legitimate interests, and to direct marketing; we do not process personal "
                    "data on those bases or for direct marketing.",
                    "Du kan invända mot behandling som grundar sig på en uppgift av allmänt "
                    "intresse eller på berättigat intresse, och mot direktmarknadsföring; sådan "
                    "behandling har vi inte.",
                ),
                provisions=("13(2)(b)",),
            ),
        ]
        items.append(self.withdrawal())
        authority = org.supervisory_authority
        where = "".join(f", {p}" for p in (authority.url, authority.email) if p)
        items.append(
            Item(
                id="right.complaint",
                heading=self.s(
                    f"Right to lodge a complaint ({self.cite('77')})",
                    f"Rätt att lämna klagomål ({self.cite('77')})",
                ),
                text=self.s(
                    "If you think we process your personal data wrongly, you can lodge a "
                    f"complaint with the supervisory authority {authority.name}{where}.",
                    "Om du anser att vi behandlar dina personuppgifter felaktigt kan du lämna "
                    f"klagomål till tillsynsmyndigheten {authority.name}{where}.",
                ),
                provisions=("13(2)(d)",),
            )
        )
        return Section(
            id="rights",
            title=self.s("Your rights", "Dina rättigheter"),
            text=self.s(
                f"You can use these rights at any time by contacting us ({contact}). We answer "
                f"within one month ({self.cite('12(3)')}).",
                f"Du kan när som helst använda dessa rättigheter genom att kontakta oss "
                f"({contact}). Vi svarar inom en månad ({self.cite('12(3)')}).",
            ),
            items=tuple(items),
        )

    def withdrawal(self) -> Item:
        consent = [(p, p.consent) for p in self.policy.purposes if p.consent is not None]
        if not consent:
            return self.not_applicable(
                "right.withdraw_consent",
                "13(2)(c)",
                self.s(
                    "We do not process personal data on the basis of consent.",
                    "Vi behandlar inga personuppgifter med stöd av samtycke.",
                ),
            )
        points = []
        for purpose, definition in consent:
            channels = [self.ctx.w(w.CHANNEL[c]) for c in definition.withdraw_channels]
            channels.append(self.s("by contacting us", "genom att kontakta oss"))
            points.append(
                f"{self.name(purpose)}: {self.s('withdraw via', 'återkalla via')} "
                f"{w.join(channels, self.lang, alternative=True)}"
            )
        return Item(
            id="right.withdraw_consent",
            heading=self.s(
                f"Right to withdraw consent ({self.cite('7(3)')})",
                f"Rätt att återkalla samtycke ({self.cite('7(3)')})",
            ),
            text=self.s(
                "Where we process data on the basis of your consent, you can withdraw it at any "
                "time. Withdrawing does not affect the lawfulness of processing before it.",
                "När vi behandlar uppgifter med stöd av ditt samtycke kan du när som helst "
                "återkalla samtycket. Återkallelsen påverkar inte lagligheten i behandlingen "
                "innan den.",
            ),
            points=tuple(points),
            provisions=("13(2)(c)",),
        )

    def objection(self) -> Section | None:
        purposes = [p for p in self.policy.purposes if p.objection_applies]
        if not purposes:
            return None
        marketing = [p for p in purposes if p.direct_marketing]
        other = [p for p in purposes if not p.direct_marketing]
        items = []
        if marketing:
            items.append(
                Item(
                    id="objection.direct_marketing",
                    text=self.s(
                        "You can object at any time, without giving a reason, to the use of "
                        "your personal data for direct marketing. We then stop using it for "
                        "direct marketing: this right is absolute "
                        f"({w.cites(('21(2)', '21(3)'), self.lang)}). "
                        f"This applies to: {self.names(marketing)}.",
                        "Du har rätt att när som helst, utan att ange något skäl, invända mot "
                        "att dina personuppgifter används för direktmarknadsföring. Då upphör vi "
                        "med all behandling för direktmarknadsföring: den rätten är ovillkorlig "
                        f"({w.cites(('21(2)', '21(3)'), self.lang)}). "
                        f"Det gäller: {self.names(marketing)}.",
                    ),
                    provisions=("13(2)(b)", "21(4)"),
                )
            )
        unsubscribe = [
            p
            for p in marketing
            if p.email_marketing is not None and p.email_marketing.opt_out_in_every_message
        ]
        if unsubscribe:
            items.append(
                Item(
                    id="objection.unsubscribe",
                    text=self.s(
                        "Every marketing e-mail we send has an unsubscribe link; clicking it is "
                        f"enough to object. This applies to: {self.names(unsubscribe)}.",
                        "Varje e-postmeddelande med marknadsföring som vi skickar har en länk "
                        "för att avregistrera dig; det räcker att klicka på den för att invända. "
                        f"Det gäller: {self.names(unsubscribe)}.",
                    ),
                    provisions=("21(4)",),
                )
            )
        if other:
            items.append(
                Item(
                    id="objection.particular_situation",
                    text=self.s(
                        "You can also object, on grounds relating to your particular situation, "
                        "to processing based on legitimate interests or on a task in the public "
                        "interest. We then stop, unless we show compelling legitimate grounds "
                        "that override your interests, rights and freedoms, or need the data to "
                        "establish, exercise or defend legal claims "
                        f"({self.cite('21(1)')}). This applies to: {self.names(other)}.",
                        "Du kan också, av skäl som hänför sig till din specifika situation, "
                        "invända mot behandling som grundar sig på berättigat intresse eller på "
                        "en uppgift av allmänt intresse. Vi upphör då med behandlingen, om vi "
                        "inte kan visa tvingande berättigade skäl som väger tyngre än dina "
                        "intressen, rättigheter och friheter, eller behöver uppgifterna för att "
                        "fastställa, göra gällande eller försvara rättsliga anspråk "
                        f"({self.cite('21(1)')}). Det gäller: {self.names(other)}.",
                    ),
                    provisions=("13(2)(b)", "21(4)"),
                )
            )
        items.append(
            Item(
                id="objection.how",
                text=self.s(
                    f"To object, contact us: {self.contact_line()}.",
                    f"Du invänder genom att kontakta oss: {self.contact_line()}.",
                ),
                provisions=("21(4)",),
            )
        )
        return Section(
            id="objection",
            title=self.s(
                f"Your right to object ({self.cite('21')})",
                f"Din rätt att invända ({self.cite('21')})",
            ),
            items=tuple(items),
            separate=True,
        )

    def provision(self) -> Section:
        points = []
        for purpose in self.policy.purposes:
            path = f"purposes.{purpose.id}.consequence_of_not_providing"
            text = f"{self.name(purpose)}: {self.ctx.w(w.PROVISION[purpose.provision])}."
            if purpose.consequence_of_not_providing is not None:
                text += f" {self.ctx.t(purpose.consequence_of_not_providing, path)}"
            elif purpose.provision is not ProvisionRequirement.VOLUNTARY:
                self.ctx.missing(path, "say what happens if the data is not provided")
            points.append(text)
        return Section(
            id="provision",
            title=self.s(
                "Do you have to provide your personal data?",
                "Måste du lämna dina personuppgifter?",
            ),
            items=(Item(id="provision", points=tuple(points), provisions=("13(2)(e)",)),),
        )

    def automated(self) -> Section:
        automated = [p for p in self.policy.purposes if p.automated_decision_making]
        for purpose in automated:
            self.ctx.missing(
                f"purposes.{purpose.id}.automated_decision_making",
                "the logic, significance and consequences cannot be declared yet (Art. 22)",
            )
        return Section(
            id="automated",
            title=self.s("Automated decisions", "Automatiserat beslutsfattande"),
            items=(
                Item(
                    id="automated",
                    text=self.s(
                        "We make no decisions based solely on automated processing, including "
                        "profiling, that have legal or similarly significant effects for you "
                        f"({self.cite('22')}).",
                        "Vi fattar inga beslut som enbart grundas på automatiserad behandling, "
                        "inklusive profilering, och som har rättsliga följder för dig eller på "
                        f"liknande sätt påverkar dig i betydande grad ({self.cite('22')}).",
                    ),
                    provisions=("13(2)(f)",),
                ),
            ),
        )

    def cookies(self) -> Section | None:
        groups = tracker_groups(self.policy)
        if not groups:
            return None
        items = []
        for group_id, title, text, trackers in groups:
            points = []
            for tracker in trackers:
                purpose = self.ctx.t(tracker.purpose, f"trackers.{tracker.id}.purpose")
                lifetime = lifetime_text(tracker, self.ctx)
                points.append(
                    f"{tracker.name} ({tracker.provider}): {purpose} "
                    f"{self.s('Lifetime', 'Lagringstid')}: {lifetime}."
                )
            items.append(
                Item(
                    id=f"cookies.{group_id}",
                    heading=self.ctx.w(title),
                    text=self.ctx.w(text),
                    points=tuple(points),
                )
            )
        return Section(
            id="cookies",
            title="Cookies",
            text=self.s(
                "We use the cookies below. Our cookie notice gives every detail. You can "
                "withdraw your consent to cookies that need it at any time.",
                "Vi använder cookies enligt nedan. I vår information om cookies finns alla "
                "detaljer. Du kan när som helst återkalla ditt samtycke till cookies som kräver "
                "samtycke.",
            ),
            items=tuple(items),
        )

    def changes(self) -> Section:
        date = format_date(self.policy.effective_date, self.lang)
        version = self.policy.version
        return Section(
            id="changes",
            title=self.s("Changes to this notice", "Ändringar i den här informationen"),
            text=self.s(
                "We update this notice whenever our processing changes, for example when one "
                "of our products or services changes or a new one is added. Each version has a "
                f"version number and the date it applies from: this is version {version}, "
                f"effective from {date}. We will not use your personal data for a new purpose "
                f"before we have informed you about it ({self.cite('13(3)')}).",
                "Vi uppdaterar den här informationen så fort vår behandling ändras, till "
                "exempel när någon av våra produkter eller tjänster ändras eller nya tillkommer. "
                "Varje version har ett versionsnummer och ett datum den gäller från: det här är "
                f"version {version}, som gäller från och med den {date}. Vi använder inte dina "
                "personuppgifter för ett nytt ändamål innan vi har informerat dig om det "
                f"({self.cite('13(3)')}).",
            ),
        )

    def contact(self) -> Section:
        contact = self.policy.organisation.contact
        points = [
            f"{label}: {value}"
            for value, label in (
                (contact.email, self.s("E-mail", "E-post")),
                (contact.phone, self.s("Telephone", "Telefon")),
                (contact.address, self.s("Postal address", "Postadress")),
            )
            if value
        ]
        return Section(
            id="contact",
            title=self.s("Contact us", "Kontakta oss"),
            items=(
                Item(
                    id="contact",
                    text=self.s(
                        "If you have questions about this notice or about how we process your "
                        f"personal data, you are welcome to contact {contact.name}.",
                        "Om du har frågor om den här informationen eller om hur vi behandlar "
                        f"dina personuppgifter är du välkommen att kontakta {contact.name}.",
                    ),
                    points=tuple(points),
                ),
            ),
        )

    # -- assembly ------------------------------------------------------------

    def sections(self) -> list[Section]:
        objection = self.objection()
        sections = [self.controller(), self.data(), self.purposes(), self.recipients()]
        sections.append(self.retention())
        sections.append(self.rights(objection is not None))
        if objection is not None:
            sections.append(objection)
        sections += [self.provision(), self.automated()]
        if self.full:
            sections.append(self.security())
            cookies = self.cookies()
            if cookies is not None:
                sections.append(cookies)
            sections.append(self.changes())
        sections.append(self.contact())
        return sections

    def objection_not_applicable(self) -> Coverage:
        return Coverage(
            provision="21(4)",
            status=ItemStatus.NOT_APPLICABLE,
            reason=self.s(
                "No purpose rests on Art. 6(1)(e) or (f), and none is direct marketing.",
                "Inget ändamål grundar sig på artikel 6.1 e eller f, och inget är "
                "direktmarknadsföring.",
            ),
        )


def _coverage(sections: Iterable[Section]) -> dict[str, Coverage]:
    provided: dict[str, list[str]] = {}
    reasons: dict[str, str] = {}
    for section in sections:
        for item in section.items:
            for provision in item.provisions:
                if item.status is ItemStatus.PROVIDED:
                    provided.setdefault(provision, []).append(item.id)
                else:
                    reasons[provision] = item.text
    coverage = {
        p: Coverage(provision=p, status=ItemStatus.PROVIDED, items=tuple(ids))
        for p, ids in provided.items()
    }
    for provision, reason in reasons.items():
        coverage.setdefault(
            provision,
            Coverage(provision=provision, status=ItemStatus.NOT_APPLICABLE, reason=reason),
        )
    return coverage


def missing_provisions(document: Document) -> tuple[str, ...]:
    """Return the required provisions a notice neither meets nor states not to apply."""
    covered = {c.provision for c in document.coverage}
    return tuple(p for p in REQUIRED_PROVISIONS if p not in covered)


def privacy_notice(
    policy: Policy, *, language: str = "en", layer: Layer | str = Layer.FULL
) -> Document:
    """Build the privacy notice for *policy* in *language* and *layer* (Art. 13, 14; NOT-01).

    Args:
        policy: The policy the notice is generated from.
        language: ``"en"`` or ``"sv"``.
        layer: ``"short"`` for the first layer, ``"full"`` for the complete notice (NOT-04).

    Raises:
        DocumentError: a required item cannot be given from the policy (a missing
            translation, source, safeguard, consequence ...); every gap is listed.
    """
    check_language(language, "privacy notice")
    layer = Layer(layer)
    builder = _Notice(policy, language, layer)
    sections = builder.sections()
    coverage = _coverage(sections)
    if "21(4)" not in coverage:
        coverage["21(4)"] = builder.objection_not_applicable()
    ctx = builder.ctx
    for provision in REQUIRED_PROVISIONS:
        if provision not in coverage:
            ctx.missing(f"notice.{provision}", f"Art. {provision} is neither given nor excluded")
    ctx.raise_if_missing()
    org = policy.organisation.legal_name
    short = layer is Layer.SHORT
    title = builder.s(
        f"Privacy notice{' in brief' if short else ''} \N{EN DASH} {org}",
        f"Integritetspolicy{' i korthet' if short else ''} \N{EN DASH} {org}",
    )
    intro = builder.s(
        f"This notice explains how {org} processes your personal data: why and on which legal "
        "basis, who receives it, how long it is kept and what rights you have. Articles refer "
        "to the General Data Protection Regulation (EU) 2016/679 (GDPR).",
        f"Den här informationen beskriver hur {org} behandlar dina personuppgifter: varför och "
        "med vilken rättslig grund, vilka som tar emot dem, hur länge de sparas och vilka "
        "rättigheter du har. Artiklar som anges avser EU:s dataskyddsförordning (EU) 2016/679 "
        "(GDPR).",
    )
    if short:
        intro += builder.s(
            " This is the short version; the full notice also describes our security measures, "
            "cookies and how this notice changes.",
            " Det här är den korta versionen; den fullständiga informationen beskriver också "
            "våra säkerhetsåtgärder, cookies och hur informationen uppdateras.",
        )
    return Document(
        kind=DocumentKind.PRIVACY_NOTICE,
        language=language,
        layer=layer,
        title=title,
        intro=intro,
        sections=tuple(sections),
        coverage=tuple(coverage[p] for p in REQUIRED_PROVISIONS),
        organisation=org,
        policy_version=policy.version,
        policy_hash=policy.content_hash,
        effective_date=policy.effective_date,
    )
