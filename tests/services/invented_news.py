"""Invented news stories for the near-duplicate tests (no real article's words).

Two reports of one invented event — the flood barrier of the river town of Velmora — written
apart, each closed by the same agency boilerplate, as wire copy printed by two outlets is not.
"""

from __future__ import annotations

BOILERPLATE = (
    "About the Northern Rivers Desk: the desk is an invented news agency that serves regional "
    "papers with reports on weather, water and the towns along the three northern rivers. "
    "Its reports may be printed in full or in part by member papers, who must name the desk as "
    "their source and keep the reporter's name with the text."
)

STORY_A = [
    "Engineers in the river town of Velmora closed the new flood barrier for the first time on "
    "Tuesday as the water rose faster than expected.",
    "The barrier, a row of steel gates hung between two concrete towers, took eleven years to "
    "plan and four to build after the floods that emptied the lower town.",
    "Mayor Orrin Dask watched the gates swing shut from the footbridge and said the town had "
    "waited a long time for a night when it could sleep through a storm.",
    "By midnight the river stood two metres above its summer level and was still climbing, "
    "according to the gauge at the old mill that the water board reads every hour.",
    "Shopkeepers on Quay Street had moved their stock to upper floors in the afternoon, a habit "
    "few of them were willing to give up on the word of an engineer.",
    "Halla Mirren, who runs a bakery two doors from the quay, said she had carried flour up the "
    "stairs four times in ten years and saw no reason to stop now.",
    "The water board's chief engineer, Tobin Reave, said the gates were built for a flood one "
    "metre higher than the worst the town has recorded since the survey began.",
    "He added that the pumps behind the barrier would run through the night to clear the rain "
    "that falls inside the walls and cannot reach the river on its own.",
    "The project cost the regional council a sum that critics called reckless when it was "
    "approved, and several councillors lost their seats over it at the next election.",
    "Opponents had argued that the money would have done more good if it had paid families in "
    "the lower town to move to higher ground on the far side of the valley.",
    "Some of those families did move, and the empty plots along the river are now a park that "
    "the town lets flood on purpose when the barrier holds the water back.",
    "Farmers upstream fear that the barrier will push the water onto their fields instead, and "
    "three of them have asked the courts to order a study of the whole valley.",
    "The water board says its models show no such effect, but it has agreed to place new "
    "gauges on the upper river and to publish what they read every morning.",
    "Schools in the lower town stayed open on Tuesday, the first time in memory that a warning "
    "of this level has not sent children home before lunch.",
    "The fire brigade kept two boats at the station all the same and spent the evening "
    "checking on older residents who live alone in the streets nearest the quay.",
    "Rain is forecast to ease by Thursday, and the board expects to open the gates again on "
    "Friday once the river has fallen below the level of the lowest street.",
    "Until then the road along the quay will stay closed, and the ferry to the far bank has "
    "stopped running because its landing stage sits outside the new wall.",
    "The ferry's owner, Kel Arvo, said the crossing had lost more days to high water in the "
    "past two years than in the twenty before them put together.",
    "Residents gathered on the footbridge late into the night to watch the river press against "
    "the gates, some with flasks of tea and some with cameras on tripods.",
    "An older man who gave his name only as Brann said he had carried his mother out of the "
    "same street in a rowing boat when he was a boy and never thought to see this.",
    "The council will hold a public meeting next week to hear what went well and what did not, "
    "and the water board has promised to answer every question put to it there.",
    "For now the town's attention is on the gauge at the old mill, where the needle was still "
    "creeping upwards when the last of the watchers went home to bed.",
    "The regional weather office said the storm had dropped more rain on the hills in two days "
    "than usually falls there in the whole of the month of October.",
    "It warned that the smaller streams that feed the river could rise again quickly if the "
    "showers forecast for Wednesday night turn out heavier than expected.",
    "Volunteers filled sandbags at the sports ground through the afternoon in case the water "
    "found a way around the ends of the wall, though none were needed by nightfall.",
    "The barrier's designers had placed the towers on rock beneath the riverbed after the soil "
    "along the banks proved too soft to carry the weight of the gates.",
    "Tuesday's closing was the first real test of that choice, and engineers who walked the "
    "towers at dawn found no cracks and no water seeping through the joints.",
    "Mayor Dask said the town owed its dry streets to the people who kept arguing for the "
    "barrier when it was unpopular, and to the workers who built it through two hard winters.",
]

STORY_B = [
    "Velmora's long-debated flood gates held back the swollen river overnight into Wednesday, "
    "sparing the lower town the kind of flooding that has hit it three times this century.",
    "Water board staff began lowering the gates shortly after six in the evening, hours ahead "
    "of schedule, when upstream gauges showed a surge coming down from the hills.",
    "For residents of the lower town the sight of the gates in the water was a strange one, "
    "after years of hearing that the scheme was too costly and would never be finished.",
    "Mayor Orrin Dask, who campaigned for the barrier before he held office, spent the evening "
    "on the footbridge and told reporters that the night belonged to the builders.",
    "The river reached its highest level a little before three in the morning, the board said, "
    "and began to fall slowly as the rain over the hills thinned out.",
    "Behind the wall the streets stayed dry apart from puddles left by the rain itself, which "
    "pumps near the quay lifted over the barrier and into the river.",
    "Not everyone in the valley is celebrating: landowners upstream say the gates raise the "
    "river on their side and have gone to court to demand an independent study.",
    "A lawyer for the landowners said his clients had lost hay and fencing to water that "
    "would once have spread out across the meadows below the town.",
    "The water board disputes the claim and points to its own modelling, though it has offered "
    "to install extra gauges upstream and to share the readings with the public.",
    "Business owners on Quay Street were cautious, and most had lifted their goods off the "
    "floor in the afternoon as they have done at every warning for a decade.",
    "A baker on the street said trust would come slowly, storm by storm, and that she would go "
    "on carrying her sacks upstairs until the gates had proved themselves a few more times.",
    "The ferry across the river remains suspended because its landing sits on the wrong side "
    "of the new wall, a flaw its owner says the planners should have foreseen.",
    "Officials expect to raise the gates on Friday if the weather improves as forecast and "
    "the river falls back below the level of the quay.",
    "The barrier was paid for by the regional council after a bitter argument that cost "
    "several councillors their seats and split the town for the better part of a year.",
    "Critics at the time wanted the money spent on moving families away from the river, and "
    "some of those who did leave now live in a new estate on the slopes to the east.",
    "Their old plots became a riverside park designed to take floodwater, and on Wednesday "
    "morning the swings and benches stood in a brown lake behind the gates.",
    "Engineers inspected the concrete towers at first light and reported that the structure "
    "had behaved exactly as designed under the heaviest load it has yet carried.",
    "The weather office has warned of further showers later in the week and asked people "
    "living beside the smaller streams in the hills to keep an eye on the water.",
    "Firefighters patrolled the lower town by boat as a precaution during the night, calling "
    "on elderly residents and handing out torches and blankets where they were wanted.",
    "A public meeting on the night's events is planned for next week, when residents will be "
    "able to question the water board and the council about what happens next.",
    "Many in the town said they would remember the night less for the water than for the "
    "quiet, with no sirens and no sound of pumps in flooded cellars.",
    "One resident who grew up beside the quay said that for the first time she had gone to "
    "bed during a storm without setting an alarm to check the stairs.",
    "The board says it will publish a full report on the closing within a month, including the "
    "readings from every gauge on the river and the pumps inside the wall.",
    "Until the gates open again, the quay road stays shut to traffic and the town's market "
    "will move to the square by the church for its Thursday stalls.",
    "The barrier took eleven years from the first plans to its opening, delayed by the courts, "
    "by two changes of council and by the soft ground beside the river.",
    "Its towers were eventually set on rock beneath the riverbed, a change that added a year "
    "to the work and a good deal to the cost that critics still complain about.",
    "Standing on the bridge as the light came up, a retired lock keeper said he had seen the "
    "river take the town three times and did not expect to see it happen again.",
]

#: A new opening sentence for story A, of about the same length as its first.
NEW_LEDE = (
    "Velmora shut its new steel flood gates for the first time late on Tuesday when the river "
    "rose much faster than forecasts had suggested."
)


def story(sentences: list[str], *, paragraph: int = 3) -> str:
    """The sentences as an article: paragraphs of ``paragraph`` sentences, then boilerplate."""
    paragraphs = [
        " ".join(sentences[start : start + paragraph])
        for start in range(0, len(sentences), paragraph)
    ]
    return "\n\n".join([*paragraphs, BOILERPLATE])
