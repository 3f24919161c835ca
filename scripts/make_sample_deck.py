"""Generate the sample content for DeckChat's example company.

Writes two PDFs for the fictional company "Tidewater Robotics" (autonomous
hull-cleaning robots for cargo ships) into ``content/example/`` relative to
the repository root:

* ``pitch_deck.pdf``  - a 10-slide, 16:9 landscape pitch deck (one slide per page)
* ``whitepaper.pdf``  - a 3-page A4 portrait technical whitepaper

The company, people, customers and numbers are all invented. The output is
deterministic (fixed creation date, core fonts only, no font files needed).
``content/example/faq.md`` is hand-written and not produced by this script.

Requires: ``pip install fpdf2==2.8.9``
Usage (from the repo root): ``python scripts/make_sample_deck.py``
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "content" / "example"

COMPANY = "Tidewater Robotics"
CREATED = datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)

# Each slide: (title, [body lines]). The title is the first text on the page.
# Every fact lives on exactly one slide (and nowhere in the whitepaper).
SLIDES: list[tuple[str, list[str]]] = [
    (
        "Tidewater Robotics",
        [
            "Autonomous hull-cleaning robots for ocean cargo ships",
            "Tagline: Clean hulls, lower fuel bills.",
            "Seed round, March 2026",
            "Investor presentation, confidential",
        ],
    ),
    (
        "The Problem: Hull Fouling Burns Fuel",
        [
            "Barnacles, algae and slime on the hull add up to 18% to a ship's fuel burn.",
            "A fouled 8,000 TEU container ship wastes about $1.2 million of fuel per year.",
            "Diver cleaning happens only every 12 to 24 months and is banned in 14 major ports.",
            "Fouling also spreads invasive species between ports and raises CO2 emissions.",
        ],
    ),
    (
        "Our Solution: The MantaBot M2",
        [
            "MantaBot M2 is a magnetic crawler robot that cleans the hull while the ship is at berth.",
            "It cleans 1,500 square meters of hull per hour with no divers in the water.",
            "Soft brushes remove fouling early, before it hardens into shell growth.",
            "Every session produces a HullScore report with photos and a fouling map.",
            "One robot per ship, launched by the crew from the deck in 15 minutes.",
        ],
    ),
    (
        "Market Size",
        [
            "TAM: $4.8 billion per year - 55,000 merchant vessels above 5,000 gross tons.",
            "SAM: $1.1 billion - container ships and bulk carriers trading Europe and Asia.",
            "SOM: $96 million by 2030 - 2,000 ships at 9% share of our SAM.",
            "Driven by the IMO carbon intensity rules that tighten every year until 2030.",
        ],
    ),
    (
        "Business Model",
        [
            "Robot-as-a-Service subscription: $48,000 per ship per year.",
            "One-time onboarding fee of $6,500 per ship (hull scan and crew training).",
            "Subscription includes the robot, spare parts, software and HullScore reports.",
            "Three-year contracts, billed quarterly in advance.",
            "Target gross margin of 62% at scale.",
        ],
    ),
    (
        "Traction",
        [
            "Pilot with Nordvik Shipping on 4 container ships since June 2025.",
            "Pilot with Halden Bulk Lines on 2 bulk carriers since October 2025.",
            "First paid fleet contract signed with Nordvik Shipping in January 2026.",
            "ARR of $310,000 as of February 2026.",
            "1,140 hours of autonomous cleaning logged across 6 ships.",
        ],
    ),
    (
        "Competition",
        [
            "Diver teams: cheap per job, but reactive and banned in many ports.",
            "Drydock cleaning: thorough, but takes a ship out of service for 2 days.",
            "ROV service firms such as SeaScrub Services: need a crew on the quay.",
            "Tidewater is the only option that cleans during normal port calls, crew-operated.",
            "Our moat: data from every cleaning session trains our fouling prediction model.",
        ],
    ),
    (
        "Team",
        [
            "CEO Maren Okafor: ex-head of fleet performance at Baltic Star Lines, 12 years.",
            "CTO Tomas Lindqvist: built underwater inspection drones at Aquaris Systems.",
            "COO Priya Raman: ran port operations for a 40-vessel fleet at Orient Crest Shipping.",
            "Advisor Captain Jonas Ebbesen: 25 years as master of container ships.",
        ],
    ),
    (
        "Financial Projections",
        [
            "Revenue 2026: $0.9 million",
            "Revenue 2027: $3.4 million",
            "Revenue 2028: $9.8 million",
            "Revenue 2029: $21.5 million",
            "EBITDA break-even expected in Q3 2028, with 450 ships under contract by end of 2029.",
        ],
    ),
    (
        "The Ask",
        [
            "Raising $4.5 million seed on a SAFE with a $22 million valuation cap.",
            "Use of funds: 45% engineering, 30% fleet deployment, 15% sales, 10% certification.",
            "The round funds 24 months of runway to Series A.",
            "Contact: Maren Okafor, invest@example.com",
        ],
    ),
]

# Whitepaper: list of pages; each page is a list of (heading, [paragraphs]).
# The first page additionally starts with the document title and subtitle.
WP_TITLE = "MantaBot M2: Technical Whitepaper"
WP_SUBTITLE = "Tidewater Robotics - Engineering Team - Version 1.3"
WP_PAGES: list[list[tuple[str, list[str]]]] = [
    [
        (
            "1. Overview",
            [
                "This paper describes the technology inside the MantaBot M2 hull-cleaning "
                "crawler: how it finds its way around a hull, how it removes fouling without "
                "damaging antifouling paint, how it keeps people and ships safe, and what our "
                "sea trials measured. It is written for ship superintendents, class surveyors "
                "and technical due-diligence reviewers.",
                "The system has two parts: the crawler itself, which weighs 68 kg in air, and "
                "a deck unit the size of a large suitcase that holds the power supply, the "
                "tether winch and the navigation computer.",
            ],
        ),
        (
            "2. Navigation and Localization",
            [
                "Before the first session each hull is scanned into a 3D hull model. During "
                "cleaning the crawler fuses wheel odometry, an inertial measurement unit and "
                "acoustic ranging from three transponders placed on the deck rail. The fused "
                "position is accurate to within 4 cm over a full hull.",
                "A coverage planner splits the hull into lanes 0.9 m wide and plans an "
                "overlapping path, so no patch of the hull is missed. The crawler keeps "
                "working in zero visibility, because navigation does not depend on cameras.",
                "Adhesion comes from permanent neodymium magnets with a holding force of "
                "2,200 N, so the crawler stays attached even if power is lost.",
            ],
        ),
    ],
    [
        (
            "3. Cleaning Method",
            [
                "The MantaBot M2 practises proactive grooming: it cleans often and gently, "
                "removing slime and early weed before hard shell growth can form. Four "
                "counter-rotating brushes made of soft polymer bristles turn at 180 rpm.",
                "The brush head is enclosed by a skirt under light suction. Removed material "
                "is pumped to the deck unit and filtered down to 10 microns, so the debris "
                "does not return to the harbour water.",
                "Because the brushes are soft, coating loss stays below 0.2 micrometres of "
                "antifouling paint per session, which is within paint maker limits for "
                "weekly grooming.",
            ],
        ),
        (
            "4. Safety",
            [
                "The crawler is connected to the deck unit by a 60 m tether that carries power, "
                "data and a safety line. If tether tension rises above a set limit, or if the "
                "crawler loses magnetic contact on any wheel, it stops within 0.5 seconds.",
                "Keep-out zones around the propeller, rudder, thrusters and sea chests are "
                "drawn into the hull model and enforced in software. The crawler is limited "
                "to a working depth of 25 m and only runs while the ship is moored.",
                "No diver ever enters the water, which removes the largest safety risk of "
                "traditional hull cleaning.",
            ],
        ),
    ],
    [
        (
            "5. Environmental Compliance",
            [
                "The capture system is designed around the IMO Biofouling Guidelines adopted "
                "in 2023, which favour capture of removed material and cleaning before "
                "fouling matures.",
                "In independent sampling the system captured 97% of removed biological "
                "material, and none of the 20 water samples exceeded local harbour "
                "discharge limits.",
            ],
        ),
        (
            "6. Battery and Runtime",
            [
                "The deck unit carries a 7.2 kWh lithium iron phosphate (LFP) battery pack, "
                "so the system can run without shore power. A full charge gives 9 hours of "
                "cleaning, and recharging from ship power takes 2.5 hours.",
                "The crawler draws about 650 W on average while cleaning.",
            ],
        ),
        (
            "7. Test Results",
            [
                "Sea trials ran for 90 days in 2025 on the container ship MV Nordvik Aurora, "
                "with weekly grooming sessions at berth.",
                "Speed-power measurements showed a 7.4% fuel saving against the ship's own "
                "baseline at the same speed and draft.",
                "Hull roughness stayed below 140 microns for the whole trial, and the crawler "
                "completed 38 of 39 planned sessions (one was cancelled because of a storm).",
            ],
        ),
    ],
]


def _latin1(text: str) -> str:
    """Fail loudly on characters the core fonts cannot encode."""
    text.encode("latin-1")
    return text


def make_deck(path: Path) -> None:
    # 960 x 540 pt = 16:9 landscape
    pdf = FPDF(orientation="L", unit="pt", format=(540, 960))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(CREATED)
    pdf.set_title(f"{COMPANY} - Pitch Deck")
    pdf.set_author(COMPANY)
    pdf.set_subject("Seed round pitch deck (fictional sample company)")
    pdf.set_creator("scripts/make_sample_deck.py")
    pdf.set_producer("fpdf2")
    margin = 60
    for number, (title, lines) in enumerate(SLIDES, start=1):
        pdf.add_page()
        # title first, so it is the first text on the page
        pdf.set_xy(margin, 60)
        pdf.set_text_color(10, 45, 90)
        pdf.set_font("Helvetica", "B", 36 if number > 1 else 48)
        pdf.cell(0, 50, _latin1(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(0, 140, 150)
        pdf.set_line_width(3)
        y = pdf.get_y() + 10
        pdf.line(margin, y, 960 - margin, y)
        pdf.set_text_color(30, 30, 30)
        pdf.set_font("Helvetica", "", 19)
        pdf.set_y(y + 30)
        for line in lines:
            pdf.set_x(margin)
            pdf.multi_cell(960 - 2 * margin, 26, _latin1(line), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(12)
        # footer: slide number
        pdf.set_font("Helvetica", "", 11)
        pdf.set_text_color(120, 120, 120)
        pdf.set_xy(960 - margin - 40, 540 - 40)
        pdf.cell(40, 14, f"{number}/10", align="R")
    pdf.output(str(path))


def make_whitepaper(path: Path) -> None:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(22, 22, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_creation_date(CREATED)
    pdf.set_title(WP_TITLE)
    pdf.set_author(COMPANY)
    pdf.set_subject("Technical whitepaper (fictional sample company)")
    pdf.set_creator("scripts/make_sample_deck.py")
    pdf.set_producer("fpdf2")
    for page_no, sections in enumerate(WP_PAGES, start=1):
        pdf.add_page()
        if page_no == 1:
            pdf.set_font("Helvetica", "B", 20)
            pdf.set_text_color(10, 45, 90)
            pdf.multi_cell(0, 10, _latin1(WP_TITLE), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "I", 11)
            pdf.set_text_color(90, 90, 90)
            pdf.multi_cell(0, 6, _latin1(WP_SUBTITLE), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        for heading, paragraphs in sections:
            pdf.set_font("Helvetica", "B", 14)
            pdf.set_text_color(10, 45, 90)
            pdf.multi_cell(0, 8, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            pdf.set_font("Helvetica", "", 11)
            pdf.set_text_color(30, 30, 30)
            for para in paragraphs:
                pdf.multi_cell(0, 5.6, _latin1(para), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            pdf.ln(3)
        # footer (below the auto-break margin, so switch auto breaks off for it)
        if pdf.page_no() != page_no:
            raise RuntimeError(f"whitepaper page {page_no} overflowed")
        pdf.set_auto_page_break(False)
        pdf.set_y(-15)
        pdf.set_font("Helvetica", "", 9)
        pdf.set_text_color(120, 120, 120)
        pdf.cell(0, 5, f"Page {page_no} of {len(WP_PAGES)}", align="C")
        pdf.set_auto_page_break(True, margin=22)
    if pdf.page_no() != len(WP_PAGES):
        raise RuntimeError(f"whitepaper overflowed to {pdf.page_no()} pages")
    pdf.output(str(path))


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    deck = OUT_DIR / "pitch_deck.pdf"
    paper = OUT_DIR / "whitepaper.pdf"
    make_deck(deck)
    make_whitepaper(paper)
    print(f"wrote {deck.relative_to(REPO_ROOT)}")
    print(f"wrote {paper.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
