"""The real archive file in tests/data, byte for byte from the archive."""

from __future__ import annotations

import datetime
from pathlib import Path

import newsfmt
from newsfmt import Entry, Related, Source

EXAMPLE = Path(__file__).parent / "data" / "2016-04-20-nato-russia-talks.md"

EXPECTED = Entry(
    date=datetime.date(2016, 4, 20),
    headline=(
        "NATO-Russia relations: NATO reopens informal talks with Russia for the first time in nearly two "
        'years. According to the Secretary General of NATO Jens Stoltenberg "NATO and Russia have profound '
        'and persistent disagreements, today-s meeting did not change that."'
    ),
    body=(
        "NATO has reopened informal talks with Russia for the first time in nearly two years. Diplomats met "
        "for over 90 minutes to discuss Ukraine and the"
    ),
    sources=[
        Source(
            name="Euronews", url="http://www.euronews.com/2016/04/20/nato-russia-council-holds-talks-after-two-years/"
        ),
    ],
    related=[
        Related(
            title=(
                "NATO-Russia relations: Russia deploys its S-400 missile system in Kaliningrad, an exclave between "
                'Poland and Lithuania, in response to "NATO expansion" near its borders. The United States criticizes'
                ' the move as "destabilizing" to Europe. Russia announced the planned deployment over a decade ago.'
            ),
            path=(
                "/news/2016/11/21/nato-russia-relations-russia-deploys-its-s-400-missile-system-in-kaliningrad-an-"
                "exclave-between-poland-and-lithuania-in-response-to-na.md"
            ),
            context=["NATO", "NATO-Russia relations", "Russia"],
        ),
        Related(
            title=(
                "NATO-Russia relations: Russia withdraws a request to refuel three of its warships, including the "
                'flagship of the Russian Navy, "Admiral Kuznetsov", en route to Syria, at the Spanish port of Ceuta '
                "following NATO pressure on the Spanish government to not allow the warships to dock."
            ),
            path=(
                "/news/2016/10/26/nato-russia-relations-russia-withdraws-a-request-to-refuel-three-of-its-warships-"
                "including-the-flagship-of-the-russian-navy-admiral-ku.md"
            ),
            context=["NATO", "NATO-Russia relations", "Russia"],
        ),
        Related(
            title=(
                "NATO-Russia relations: NATO announces it will hold a meeting of the NATO-Russia Council at the "
                "ambassadorial level at NATO headquarters in Brussels in the next two weeks after a two-year break "
                "since NATO cut all practical cooperation with Russia in 2014."
            ),
            path=(
                "/news/2016/04/8/nato-russia-relations-nato-announces-it-will-hold-a-meeting-of-the-nato-russia-"
                "council-at-the-ambassadorial-level-at-nato-headquarters.md"
            ),
            context=["NATO", "NATO-Russia relations", "Russia"],
        ),
        Related(
            title=(
                "Poland-Russia relations: NATO-Russia relations: Polish Foreign Minister Witold Waszczykowski, during"
                " a visit to Slovakia for talks on the future of NATO, says Russia is more dangerous than the Islamic"
                " State of Iraq and the Levant (ISIL). -By all evidence, Russia-s activity is a sort of existential "
                "threat because this activity can destroy countries,- Waszczykowski told reporters in Bratislava. He "
                "described ISIL as a very serious threat but said -it is not an existential threat for Europe-."
            ),
            path=(
                "/news/2016/04/15/poland-russia-relations-nato-russia-relations-polish-foreign-minister-witold-"
                "waszczykowski-during-a-visit-to-slovakia-for-talks-on-th.md"
            ),
            context=["NATO", "NATO-Russia relations", "Russia"],
        ),
        Related(
            title=(
                "Japan-Russia relations: NATO-Russia relations: Russia announces it will deploy state-of-the art "
                "missile defense systems to the far eastern Kuril Islands where they and Japan have rival territorial"
                " claims dating to the end of the Second World War. Russian Defence Minister Sergey Shoygu also says "
                "that Russia will form new defence units in the country's Western Military District in response to "
                "NATO's recent deployment of forces to member states near its border."
            ),
            path=(
                "/news/2016/03/25/japan-russia-relations-nato-russia-relations-russia-announces-it-will-deploy-state-"
                "of-the-art-missile-defense-systems-to-the-far-easte.md"
            ),
            context=["NATO", "NATO-Russia relations", "Russia"],
        ),
        Related(
            title=(
                "Cold War II: At the 52nd Munich Security Conference in Germany, NATO Secretary-General Jens "
                'Stoltenberg says that NATO and Russia are "not in a cold-war situation but also not in the '
                'partnership that we established at the end of the Cold War" while the Russian Prime Minister Dmitry '
                'Medvedev says tensions between Russia and NATO have sent the world spiralling into a "new Cold War",'
                " blaming U.S. and European leaders for the souring of relations with Russia. He also rejected "
                'accusations that Russian warplanes have bombed civilians in Syria, saying it is "just not true".'
            ),
            path=(
                "/news/2016/02/13/cold-war-ii-at-the-52nd-munich-security-conference-in-germany-nato-secretary-"
                "general-jens-stoltenberg-says-that-nato-and-russia-are-not-i.md"
            ),
            context=["Jens Stoltenberg", "NATO", "Russia"],
        ),
        Related(
            title=(
                "Enlargement of NATO: NATO Secretary General Jens Stoltenberg announces the invitation sent to "
                "Montenegro to join the military alliance, 16 years after the country, as part of the Federal "
                "Republic of Yugoslavia, was bombed by the alliance in the Kosovo War. Montenegro's accession would "
                'result in "retaliatory actions", according to a spokesman for Russian President Vladimir Putin.'
            ),
            path=(
                "/news/2015/12/2/enlargement-of-nato-nato-secretary-general-jens-stoltenberg-announces-the-"
                "invitation-sent-to-montenegro-to-join-the-military-alliance-16-y.md"
            ),
            context=["Jens Stoltenberg", "NATO", "Russia"],
        ),
        Related(
            title=(
                "Syrian Civil War: Russian military intervention in the Syrian Civil War: NATO Secretary-General Jens"
                " Stoltenberg says Russia's pair of violations of Turkish airspace over the weekend do not look like "
                "accidents. Russia, which said it's looking into claims of a second violation, reported the first "
                "violation lasted a few seconds and was due to poor weather."
            ),
            path=(
                "/news/2015/10/6/syrian-civil-war-russian-military-intervention-in-the-syrian-civil-war-nato-"
                "secretary-general-jens-stoltenberg-says-russia-s-pair-of-viola.md"
            ),
            context=["Jens Stoltenberg", "Russia", "Secretary General of NATO"],
        ),
        Related(
            title=(
                "Russia-United States relations: Iran-United States relations: The United States Senate passed by an "
                "overwhelming majority a bill ramping-up sanctions against Russia and against Iran. Language in the "
                "measure also reaffirms United States' commitment to NATO."
            ),
            path=(
                "/news/2017/06/16/russia-united-states-relations-iran-united-states-relations-the-united-states-"
                "senate-passed-by-an-overwhelming-majority-a-bill-ramping.md"
            ),
            context=["NATO", "Russia"],
        ),
        Related(
            title=(
                "War in Afghanistan (2015-present): Russian Special Envoy to Afghanistan Zamir Kabulov denies "
                'allegations by NATO Commander Gen. Curtis Scaparrotti that Russia was "perhaps" supplying the '
                "Taliban."
            ),
            path=(
                "/news/2017/03/24/war-in-afghanistan-2015-present-russian-special-envoy-to-afghanistan-zamir-kabulov-"
                "denies-allegations-by-nato-commander-gen-curtis-sca.md"
            ),
            context=["NATO", "Russia"],
        ),
    ],
)


def test_the_example_parses_to_its_exact_values() -> None:
    assert newsfmt.read(EXAMPLE) == EXPECTED


def test_the_example_round_trips_byte_for_byte() -> None:  # G1
    data = EXAMPLE.read_bytes()
    assert newsfmt.serialize(newsfmt.parse(data.decode("utf-8"))).encode("utf-8") == data


def test_the_written_out_values_serialize_to_the_file() -> None:
    assert newsfmt.serialize(EXPECTED).encode("utf-8") == EXAMPLE.read_bytes()


def test_write_reproduces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "entry.md"
    newsfmt.write(EXPECTED, target)
    assert target.read_bytes() == EXAMPLE.read_bytes()


def test_the_derived_values_of_the_example() -> None:
    assert EXPECTED.day_path == "/news/2016/04/20/index.md"
    assert EXPECTED.path == (
        "/news/2016/04/20/nato-russia-relations-nato-reopens-informal-talks-with-russia-for-the-first-time-in-"
        "nearly-two-years-according-to-the-secretary-general-of.md"
    )
    third = EXPECTED.related[2]
    assert third.date == datetime.date(2016, 4, 8)
    assert third.slug.startswith("nato-russia-relations-nato-announces-it-will-hold")
    assert [item.date.isoformat() for item in EXPECTED.related] == [
        "2016-11-21", "2016-10-26", "2016-04-08", "2016-04-15", "2016-03-25",
        "2016-02-13", "2015-12-02", "2015-10-06", "2017-06-16", "2017-03-24",
    ]  # fmt: skip


def test_each_related_slug_is_the_start_of_its_titles_slug() -> None:
    # FORMAT.md's evidence for the slug rule: the archive cut the original titles,
    # whose en dashes took three bytes, so the path's slug is a prefix of today's.
    for item in EXPECTED.related:
        assert newsfmt.slugify(item.title).startswith(item.slug)
        assert 133 <= len(item.slug) <= 138
