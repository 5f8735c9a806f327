"""Venues of the demo events, referred to by key."""

from missions.demo.specs import Venue

# key, name, address, city, country
VENUE_ROWS = [
    ("marseille-media-hub", "Pôle média de la Belle de Mai",
     "37 rue Guibal, 13003 Marseille", "Marseille", "FR"),
    ("marseille-pharo", "Palais du Pharo",
     "58 boulevard Charles Livon, 13007 Marseille", "Marseille", "FR"),
    ("aix-cite-du-livre", "Cité du livre",
     "8-10 rue des Allumettes, 13090 Aix-en-Provence", "Aix-en-Provence", "FR"),
    ("la-ciotat-studio", "Demo film studio — La Ciotat",
     "Avenue Guillaume Dulac, 13600 La Ciotat", "La Ciotat", "FR"),
    ("nice-acropolis", "Palais des congrès Nice Acropolis",
     "1 esplanade John F. Kennedy, 06300 Nice", "Nice", "FR"),
    ("nice-xr-studio", "Demo XR studio — Nice",
     "Boulevard Pierre Sola, 06300 Nice", "Nice", "FR"),
    ("cannes-palais", "Palais des festivals et des congrès",
     "1 boulevard de la Croisette, 06400 Cannes", "Cannes", "FR"),
    ("sophia-serious-games", "Demo serious games studio — Sophia Antipolis",
     "Route des Lucioles, 06560 Valbonne", "Sophia Antipolis", "FR"),
    ("toulon-neptune", "Palais Neptune",
     "Place Besagne, 83000 Toulon", "Toulon", "FR"),
    ("avignon-cinema", "Cinéma d'art et d'essai — salle 1",
     "Rue des Teinturiers, 84000 Avignon", "Avignon", "FR"),
    ("gap-outdoor-films", "Demo outdoor film company — Gap",
     "Rue Carnot, 05000 Gap", "Gap", "FR"),
    ("annecy-bonlieu", "Centre Bonlieu",
     "1 rue Jean Jaurès, 74000 Annecy", "Annecy", "FR"),
    ("brussels-mont-des-arts", "Square — Brussels Meeting Centre",
     "Mont des Arts, 1000 Brussels", "Brussels", "BE"),
    ("brussels-cluster", "Demo cluster — Brussels (animation)",
     "Avenue Louise 200, 1050 Brussels", "Brussels", "BE"),
    ("liege-vfx-studio", "Demo VFX studio — Liège",
     "Quai de la Batte 10, 4000 Liège", "Liège", "BE"),
    ("london-kings-cross", "King's Cross conference centre",
     "1 Pancras Square, London N1C 4AG", "London", "GB"),
    ("london-institute", "Demo cultural institute — London",
     "Southbank, London SE1 9PX", "London", "GB"),
    ("london-game-studio", "Demo game studio — London",
     "Shoreditch High Street, London E1 6JE", "London", "GB"),
    ("toronto-convention", "Metro Toronto Convention Centre",
     "255 Front Street West, Toronto, ON M5V 2W6", "Toronto", "CA"),
    ("toronto-animation-studio", "Demo animation studio — Toronto",
     "60 Atlantic Avenue, Toronto, ON M6K 1X9", "Toronto", "CA"),
    ("vancouver-convention", "Vancouver Convention Centre",
     "1055 Canada Place, Vancouver, BC V6C 0C3", "Vancouver", "CA"),
    ("vancouver-vfx-studio", "Demo VFX studio — Vancouver",
     "West 2nd Avenue, Vancouver, BC V5Y 1B3", "Vancouver", "CA"),
    ("montreal-digital-arts-lab", "Demo digital arts lab — Montréal",
     "Boulevard Saint-Laurent, Montréal, QC H2X 2S6", "Montréal", "CA"),
]  # fmt: skip

VENUES = {
    key: Venue(name, address, city, country) for key, name, address, city, country in VENUE_ROWS
}
