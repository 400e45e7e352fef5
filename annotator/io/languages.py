"""The languages news comes in from legacy code pages: the letters each writes beyond ASCII,
its most frequent words, and the words of one letter beyond ASCII it has.

Written for this project from the languages' orthographies. The letters tell code pages of one
alphabet apart (Hungarian writes ő, which Windows-1252 reads as õ, a letter no language with
á and é has); the frequent words say which language a text is in, mostly through words in
plain ASCII that read the same in every code page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """A written language: its script, letters beyond ASCII (small), frequent words (small),
    and one-letter words written with a letter beyond ASCII."""

    name: str
    script: str  # "latin", "cyrillic", "greek", "hebrew", "arabic"
    letters: frozenset[str]
    words: frozenset[str]
    single: frozenset[str] = frozenset()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _language(name: str, script: str, letters: str, words: str, single: str = "") -> Language:
    return Language(name, script, frozenset(letters), _words(words), frozenset(single))


_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
_GREEK = "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ"

LANGUAGES = (
    # English writes no letter beyond ASCII; names from other languages are what the
    # tolerance of a reading allows for.
    _language(
        "English",
        "latin",
        "",
        "the of and to a in is was for on that with as by at he she it his her said from has "
        "have had were are be been not but or an they their this which who after about will "
        "would more than its we i you also over into up out new two one people year years "
        "when there what if no all some other could told says say them then so can just "
        "like time him my me do did get made make only first last against before because "
        "while during between since where how who whom those these should may must any "
        "such because being week day days came come went goes going back still even most "
        "many much well way our your made know think according officials government "
        "country minister police president state report city million percent news",
    ),
    _language(
        "French",
        "latin",
        "àâæçéèêëîïôœùûüÿ",
        "le la les de des du un une et est en que qui dans pour pas sur au aux par il elle "
        "ils ne se ce cette son sa ses avec plus ont été être mais ou où comme tout nous vous "
        "leur lui après déjà très aussi sont était fait dit selon entre à œuvre cœur sœur vœux",
        "à",
    ),
    _language(
        "German",
        "latin",
        "äöüß",
        "der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch "
        "es an er hat aus bei sind nach wird wurde war wie noch über um oder aber vor zum zur "
        "durch sie dass können mehr müssen während gegen",
    ),
    _language(
        "Spanish",
        "latin",
        "áéíñóúü",
        "el la los las de del que y en un una es por con para se no su sus al lo como más "
        "pero fue ha han sobre este esta entre también según sin desde está están dijo años "
        "ya muy porque cuando él",
    ),
    _language(
        "Portuguese",
        "latin",
        "áâãàçéêíóôõú",
        "o a os as de do da dos das que e em um uma é para com não por se no na nos nas ao "
        "mais como mas foi são está ele ela também pelo pela já até muito após disse entre "
        "sobre anos",
        "àé",
    ),
    _language(
        "Italian",
        "latin",
        "àèéìíîòóùú",
        "il lo la i gli le di del della dei delle che e è un una in per con non si da dal al "
        "alla sono ha più come ma anche dopo questo questa ci su nel nella sua suo loro stato "
        "perché già",
        "è",
    ),
    _language(
        "Dutch",
        "latin",
        "áäèéêëíïóöúü",
        "de het een en van in is dat op te zijn met voor niet aan er die door ook als bij om "
        "maar naar was hij zij wordt werd tot uit nog over heeft hebben kan geen deze dit "
        "ideeën belgië italië financiële",
    ),
    _language(
        "Swedish",
        "latin",
        "åäöé",
        "och i att det som en på är av för med till den har de inte om ett var jag men från "
        "vid så kan sig han hon efter också under mot när eller år även ska",
        "åö",
    ),
    _language(
        "Danish",
        "latin",
        "æøåé",
        "og i at det som en på er af for med til den har de ikke om et var jeg men fra ved så "
        "kan sig han hun efter også under mod når eller år skal blev",
        "å",
    ),
    _language(
        "Norwegian",
        "latin",
        "æøåéèêóòô",
        "og i å det som en på er av for med til den har de ikke om et var jeg men fra ved så "
        "kan seg han hun etter også under mot når eller år skal ble",
        "å",
    ),
    _language(
        "Finnish",
        "latin",
        "äöåšž",
        "ja on ei se että oli hän kun mutta myös ovat joka sekä tai kuin ole jo nyt vain "
        "mukaan ollut olla sen hänen niin mitä tämä jotka",
    ),
    _language(
        "Icelandic",
        "latin",
        "áðéíóúýþæö",
        "og að í á er sem til það með var ekki um en hann hún af við þess fyrir eru eftir þá "
        "sé hefur frá",
        "áí",
    ),
    _language(
        "Catalan",
        "latin",
        "àçèéíïòóúü",
        "el la els les de del i en un una que és per amb no es al als com més però va ha han "
        "seva seu hi ho també aquesta aquest són",
    ),
    _language(
        "Galician",
        "latin",
        "áéíñóúü",
        "o a os as de do da que e en un unha é para con non por se no na ao máis como pero foi son",
        "é",
    ),
    _language("Basque", "latin", "ñ", "eta da ez du bat ere zen dira izan dute baina"),
    _language(
        "Occitan",
        "latin",
        "àáèéíïòóúüç",
        "lo los la las de e en un una es per amb que pas se son es dins aquel aquesta mai",
    ),
    _language(
        "Afrikaans",
        "latin",
        "áäèéêëíîïóôöúûü",
        "die en van is in het nie te dat op vir met was sy hy wat ook om aan",
    ),
    _language("Irish", "latin", "áéíóú", "an na agus ar i is ag le go a ón do sa bhí", "ó"),
    _language(
        "Welsh",
        "latin",
        "âêîôûŵŷäëïöüáéíóúàèìòù",
        "y yn a ac i o ar mae yr ei wedi fod am bod gan hefyd",
        "â",
    ),
    _language(
        "Polish",
        "latin",
        "ąćęłńóśźż",
        "i w na z się nie do że to jest o jak po co ale przez od za tak dla jego już są był "
        "była być tylko przy także który która które oraz może został",
    ),
    _language(
        "Czech",
        "latin",
        "áčďéěíňóřšťúůýž",
        "a v na se je že s z do to o by jako ale pro po jsou byl byla bylo který která které "
        "také jeho jen už při podle než mezi před řekl",
    ),
    _language(
        "Slovak",
        "latin",
        "áäčďéíĺľňóôŕšťúýž",
        "a v na sa je že s z do to o by ako ale pre po sú bol bola bolo ktorý ktorá ktoré "
        "tiež jeho len už pri podľa než medzi pred povedal",
    ),
    _language(
        "Hungarian",
        "latin",
        "áéíóöőúüű",
        "a az és hogy nem is egy van volt meg de el ez már csak mint még azt ki le be után "
        "között szerint kell lesz vagy mert pedig",
        "ő",
    ),
    _language(
        "Romanian",
        "latin",
        "ăâîșțşţ",
        "și şi în de la cu a pe nu o un din care să se ca mai au este sunt după fost pentru "
        "sau dar acest această lui ei",
    ),
    _language(
        "Slovene",
        "latin",
        "čšž",
        "in je v na se da za z so ki ne pa bi tudi po od kot do ali še sem bo bil bila lahko "
        "ter pri",
    ),
    _language(
        "Croatian",  # and Bosnian, Serbian in Latin letters
        "latin",
        "čćđšž",
        "i je u na se da za od su a ne s sa koji koja koje kao što iz ali bi bio bila godine "
        "nije prema samo još će već",
    ),
    _language(
        "Albanian",
        "latin",
        "çë",
        "e të në dhe i një për me që nga është ka se u do por si janë më kjo ky",
    ),
    _language(
        "Estonian",
        "latin",
        "äõöüšž",
        "ja on ei see et oli ka kui mis ta aga või nii veel siis pärast üle tema seda nad oma kas",
    ),
    _language(
        "Latvian",
        "latin",
        "āčēģīķļņšūž",
        "un ir ar par uz no ka kas bet arī to lai pēc vai bija tas šo viņš viņa savu jau tikai "
        "sacīja valdība valdības",
    ),
    _language(
        "Lithuanian",
        "latin",
        "ąčęėįšųūž",
        "ir į yra kad su iš bet ar tai buvo jo jos nuo po taip kaip dar jau tik apie savo sakė "
        "vyriausybė",
        "į",
    ),
    # Its macrons are also those of Japanese names in English text (Tōkyō, Ōsaka).
    _language("Maori", "latin", "āēīōū", "ngā kua kei tēnei ēnei hoki ērā māori"),
    _language(
        "Turkish",
        "latin",
        "çğıöşüâîûİ",
        "ve bir bu da de için ile olan çok daha gibi ama olarak sonra kadar en ne o şu her ise "
        "değil var yok göre",
    ),
    _language(
        "Russian",
        "cyrillic",
        _CYRILLIC + "ё",
        "и в не на что с по это как он а к я из у о за то от же для но его она был была были "
        "все так уже когда также после только более может сказал при их",
        "авикосуя",
    ),
    _language(
        "Ukrainian",
        "cyrillic",
        _CYRILLIC.replace("ъ", "").replace("ы", "").replace("э", "") + "єіїґ",
        "і в не на що з по це як він а до я із у о за та від же для але його вона був була "
        "були все так вже коли також після тільки може сказав при їх є",
        "авзійоуя",
    ),
    _language(
        "Belarusian",
        "cyrillic",
        _CYRILLIC.replace("и", "").replace("щ", "").replace("ъ", "") + "ёіў",
        "і ў не на што з па гэта як ён а да я у аб за ад жа для але яго яна быў была былі усё "
        "так ужо калі таксама пасля толькі",
        "аіўзуяо",
    ),
    _language(
        "Bulgarian",
        "cyrillic",
        _CYRILLIC.replace("ы", "").replace("э", ""),
        "и в на да не за се от с е че са по като това той тя но към след бъде при още или "
        "беше бе ще",
        "авеиксуя",
    ),
    _language(
        "Serbian",
        "cyrillic",
        "абвгдђежзијклљмнњопрстћуфхцчџш",
        "и у на се да је за од су а не са који која које као што из али би био била године "
        "није према само још ће",
        "аиуско",
    ),
    _language(
        "Macedonian",
        "cyrillic",
        "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
        "и во на се да е за од со не што тоа кој која како ги ќе беше бил била по до",
        "авеиоксу",
    ),
    _language(
        "Greek",
        "greek",
        _GREEK,
        "και το η ο της του των στο στην με να για που από την τα τις οι σε είναι δεν θα ότι "
        "μετά ήταν έχει",
        "οηήόαω",
    ),
    _language(
        "Hebrew",
        "hebrew",
        "אבגדהוזחטיכךלמםנןסעפףצץקרשתװױײ",
        "של את על לא הוא היא עם זה כי אם גם אבל או כל יש אני לו לה",
    ),
    # Arabic and Persian (پ چ ژ گ ک ی) share the script: one language here.
    _language(
        "Arabic",
        "arabic",
        "".join(map(chr, range(0x621, 0x64B))) + "پچژگکیىٹںھہۓے",
        "في من على أن إلى التي الذي عن مع هذا هذه كان لا ما قد أو بعد وقال و است که را این با "
        "از به",
    ),
)

# Words with letters beyond ASCII that English news writes: borrowed words and the names of
# people and places most often in the news. A reading that gives them (naïve, not naďve) is
# the one to take when the letters alone cannot tell.
LOANS = _words(
    """
    café cafés naïve naïveté résumé résumés cliché clichés fiancé fiancée façade déjà rôle
    élite née protégé touché entrée soirée décor début débâcle crème brûlée über señor
    señora jalapeño piñata niño niña año mañana são zürich malmö münchen köln düsseldorf
    göteborg bogotá medellín perú québec montréal genève curaçao juárez pelé muñoz peña
    ibáñez gómez martínez rodríguez gonzález hernández lópez pérez sánchez ramírez
    fernández díaz jiménez gutiérrez álvarez núñez suárez domínguez vázquez andrés josé
    maría jesús ángel raúl óscar chávez calderón mélenchon élysée ségolène françois hélène
    thérèse gérard frédéric sébastien stéphane jérôme andré renée zoë noël citroën nestlé
    société générale crédit björn søren jørgen tromsø åland ångström tōkyō kyōto ōsaka
    hokkaidō kyūshū côte
    """
)
