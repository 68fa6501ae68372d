"""Agency text -> county."""

import csv

import pytest

from intake.courts import TABLE_PATH, agency_table, county_for_agency

CALIFORNIA_COUNTIES = (
    "ALAMEDA ALPINE AMADOR BUTTE CALAVERAS COLUSA CONTRA_COSTA DEL_NORTE EL_DORADO FRESNO GLENN HUMBOLDT "
    "IMPERIAL INYO KERN KINGS LAKE LASSEN LOS_ANGELES MADERA MARIN MARIPOSA MENDOCINO MERCED MODOC MONO "
    "MONTEREY NAPA NEVADA ORANGE PLACER PLUMAS RIVERSIDE SACRAMENTO SAN_BENITO SAN_BERNARDINO SAN_DIEGO "
    "SAN_FRANCISCO SAN_JOAQUIN SAN_LUIS_OBISPO SAN_MATEO SANTA_BARBARA SANTA_CLARA SANTA_CRUZ SHASTA SIERRA "
    "SISKIYOU SOLANO SONOMA STANISLAUS SUTTER TEHAMA TRINITY TULARE TUOLUMNE VENTURA YOLO YUBA"
)
CALIFORNIA_COUNTIES = tuple(name.replace("_", " ") for name in CALIFORNIA_COUNTIES.split())


def test_the_table_covers_all_58_counties_and_every_row_has_a_source():
    assert len(CALIFORNIA_COUNTIES) == 58
    assert set(agency_table().values()) == set(CALIFORNIA_COUNTIES)
    with TABLE_PATH.open() as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"].strip() for row in rows)
    assert len({row["name"] for row in rows}) == len(rows)


@pytest.mark.parametrize("county", CALIFORNIA_COUNTIES)
def test_every_superior_court_and_sheriff_resolves_to_its_county(county):
    assert county_for_agency(f"CASC {county}") == county
    assert county_for_agency(f"CASO {county}") == county


@pytest.mark.parametrize(
    ("agency", "county"),
    [
        ("CAMC OAKLAND", "ALAMEDA"),
        ("CAPD BERKELEY", "ALAMEDA"),
        ("CAMC SAN JOSE", "SANTA CLARA"),
        ("CAMC LOS ANGELES METRO", "LOS ANGELES"),
        ("CASC LOS ANGELES-COMPTON", "LOS ANGELES"),
        ("CAPD YUBA CITY", "SUTTER"),
        ("CAPD SIERRA MADRE", "LOS ANGELES"),
        ("CAPD IMPERIAL BEACH", "SAN DIEGO"),
        ("CAPD MARINA", "MONTEREY"),
        ("CAPD SUTTER CREEK", "AMADOR"),
        ("CAPD MONTEREY PARK", "LOS ANGELES"),
        ("CAMC MODESTO", "STANISLAUS"),
        ("CAJC BRIDGEPORT", "MONO"),
        ("casc san francisco", "SAN FRANCISCO"),
        ("CAPD ORANGE COVE", "FRESNO"),
        ("CAPD LAKE ELSINORE", "RIVERSIDE"),
        ("CAPD LAKEPORT", "LAKE"),
    ],
)
def test_cities_and_court_locations_resolve_to_their_county(agency, county):
    assert county_for_agency(agency) == county


@pytest.mark.parametrize("agency", ["", None, "CASC", "CASC ATLANTIS", "CADC SAN QUENTINN", "CAPD MARINX"])
def test_unknown_agencies_give_no_county(agency):
    assert county_for_agency(agency) == ""
