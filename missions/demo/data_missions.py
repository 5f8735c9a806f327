"""Demo missions (four abroad, one delegation visiting the region, one draft) and their
programmes. Days of a programme count from the mission's first day."""

from decimal import Decimal

from missions.demo.specs import EventSpec, MissionSpec

BRUSSELS = MissionSpec(
    slug="demo-mission-brussels-animation",
    direction="outbound",
    status="published",
    title_fr="Mission animation à Bruxelles et Liège",
    title_en="Animation trade mission to Brussels and Liège",
    summary_fr="Trois jours en Belgique pour rencontrer studios, producteurs et financeurs "
    "de l'animation, et préparer des coproductions franco-belges.",
    summary_en="Three days in Belgium to meet animation studios, producers and funders, "
    "and prepare Franco-Belgian co-productions.",
    description_fr="Une journée professionnelle de l'animation à Bruxelles, des rendez-vous "
    "d'affaires avec les studios belges, la visite d'un studio d'effets visuels à Liège et une "
    "séance d'information sur les aides belges à la coproduction. Le pôle prépare les rendez-vous "
    "et accompagne la délégation ; le voyage et l'hébergement restent à la charge des entreprises.",
    description_en="An animation industry day in Brussels, business meetings with Belgian "
    "studios, a visit to a visual effects studio in Liège and an information session on Belgian "
    "co-production funding. The cluster prepares the meetings and accompanies the delegation; "
    "travel and accommodation are paid by the companies.",
    eligibility_fr="Entreprises adhérentes du pôle en animation ou en effets visuels, avec un "
    "projet en développement ou un catalogue à présenter.",
    eligibility_en="Member companies of the cluster in animation or visual effects, with a "
    "project in development or a catalogue to present.",
    city="Brussels",
    country="BE",
    zone="Europe/Brussels",
    day=35,
    days=3,
    capacity=10,
    fee=Decimal("250.00"),
    deadline_weeks=3,
    partners=(
        "demo-animation-cluster-brussels",
        "demo-screen-institution-brussels",
        "demo-vfx-studio-liege",
    ),
    programme=(
        EventSpec("industry-day", "conference",
                  "Journée professionnelle de l'animation belge",
                  "Belgian animation industry day",
                  "Tables rondes sur le marché belge de l'animation, les diffuseurs et les "
                  "plateformes, suivies d'un déjeuner avec les studios.",
                  "Panels on the Belgian animation market, broadcasters and platforms, "
                  "followed by lunch with the studios.",
                  day=0, hours=("09:30", "12:30"), venue="brussels-mont-des-arts", capacity=80),
        EventSpec("b2b-meetings", "b2b-session",
                  "Rendez-vous d'affaires avec les studios belges",
                  "Business meetings with Belgian studios",
                  "Rendez-vous de vingt minutes préparés à l'avance avec les studios et les "
                  "producteurs du réseau partenaire.",
                  "Twenty-minute meetings arranged in advance with the studios and producers "
                  "of the partner network.",
                  day=0, hours=("14:00", "18:00"), venue="brussels-cluster", capacity=30,
                  members_only=True),
        EventSpec("liege-studio-visit", "company-visit",
                  "Visite d'un studio d'effets visuels à Liège",
                  "Visit to a visual effects studio in Liège",
                  "Présentation du pipeline de production et des projets en coproduction.",
                  "A look at the production pipeline and the co-produced projects.",
                  day=1, hours=("10:00", "12:00"), venue="liege-vfx-studio", capacity=12,
                  members_only=True),
        EventSpec("networking-evening", "networking",
                  "Soirée de rencontres franco-belge",
                  "Franco-Belgian networking evening",
                  "Une soirée conviviale avec les professionnels belges de l'image animée.",
                  "An informal evening with Belgian animation professionals.",
                  day=1, hours=("18:30", "21:00"), venue="brussels-cluster", capacity=60),
        EventSpec("coproduction-funding", "info-session",
                  "Les aides belges à la coproduction",
                  "Belgian co-production funding explained",
                  "Fonds régionaux, incitations fiscales et calendrier des commissions.",
                  "Regional funds, tax incentives and the calendar of funding committees.",
                  day=2, hours=("09:30", "11:30"), venue="brussels-mont-des-arts", capacity=40),
    ),
)  # fmt: skip

LONDON = MissionSpec(
    slug="demo-mission-london-games-immersive",
    direction="outbound",
    status="closed",
    title_fr="Mission jeu vidéo et immersif à Londres",
    title_en="Games and immersive trade mission to London",
    summary_fr="Trois jours à Londres avec des éditeurs, des investisseurs et des laboratoires "
    "de création immersive britanniques.",
    summary_en="Three days in London with British publishers, investors and immersive "
    "creation labs.",
    description_fr="Un point sur le marché britannique du jeu vidéo, des rendez-vous avec des "
    "éditeurs et des investisseurs, la visite d'un studio et une réception chez l'institut "
    "culturel partenaire. Les candidatures sont closes : la délégation est constituée.",
    description_en="A briefing on the UK games market, meetings with publishers and investors, "
    "a studio visit and a reception at the partner cultural institute. Applications are "
    "closed: the delegation is complete.",
    eligibility_fr="Studios adhérents de jeu vidéo ou de réalité virtuelle ayant un jeu "
    "jouable à présenter en anglais.",
    eligibility_en="Member game or virtual reality studios with a playable game to present "
    "in English.",
    city="London",
    country="GB",
    zone="Europe/London",
    day=21,
    days=3,
    capacity=8,
    fee=Decimal("350.00"),
    deadline_weeks=4,
    partners=("demo-cultural-institute-london", "demo-game-studio-london",
              "demo-immersive-lab-london"),
    programme=(
        EventSpec("market-briefing", "conference",
                  "Le marché britannique du jeu vidéo et de l'immersif",
                  "The UK games and immersive market",
                  "Chiffres clés, crédits d'impôt et attentes des éditeurs britanniques.",
                  "Key figures, tax reliefs and what British publishers look for.",
                  day=0, hours=("09:30", "12:00"), venue="london-kings-cross", capacity=50),
        EventSpec("publisher-meetings", "b2b-session",
                  "Rendez-vous avec des éditeurs et des investisseurs",
                  "Meetings with publishers and investors",
                  "Présentations de jeux en tête-à-tête, vingt minutes par rendez-vous.",
                  "One-to-one game pitches, twenty minutes per meeting.",
                  day=0, hours=("14:00", "17:30"), venue="london-kings-cross", capacity=24,
                  members_only=True),
        EventSpec("studio-visit", "company-visit",
                  "Visite d'un studio de jeux indépendant",
                  "Visit to an independent game studio",
                  "Rencontre avec l'équipe et démonstration des outils de production.",
                  "Meeting the team and a demonstration of its production tools.",
                  day=1, hours=("10:00", "12:00"), venue="london-game-studio", capacity=10,
                  members_only=True),
        EventSpec("reception", "networking",
                  "Réception à l'institut culturel",
                  "Reception at the cultural institute",
                  "Soirée de clôture avec les partenaires britanniques de la mission.",
                  "Closing evening with the mission's British partners.",
                  day=2, hours=("18:00", "20:30"), venue="london-institute", capacity=70),
    ),
)  # fmt: skip

TORONTO = MissionSpec(
    slug="demo-mission-toronto-animation-vfx",
    direction="outbound",
    status="published",
    title_fr="Mission animation et effets visuels à Toronto",
    title_en="Animation and VFX trade mission to Toronto",
    summary_fr="Cinq jours à Toronto pour rencontrer diffuseurs, studios et producteurs "
    "canadiens, avec des rendez-vous d'affaires préparés.",
    summary_en="Five days in Toronto to meet Canadian broadcasters, studios and producers, "
    "with prepared business meetings.",
    description_fr="La délégation régionale suit une séance d'information sur le marché "
    "canadien et l'accord de coproduction franco-canadien, une journée de rendez-vous B2B avec "
    "les studios et les diffuseurs de l'Ontario, des visites de studios et une masterclass sur "
    "le pitch de séries. Le pôle organise les rendez-vous, l'accompagnement sur place et la "
    "réception de bienvenue ; le voyage et l'hébergement restent à la charge des entreprises. "
    "Les entreprises retenues reçoivent un dossier de préparation un mois avant le départ.",
    description_en="The regional delegation attends a briefing on the Canadian market and the "
    "Canada–France co-production treaty, a day of B2B meetings with Ontario studios and "
    "broadcasters, studio visits and a masterclass on pitching series. The cluster arranges "
    "the meetings, on-site support and the welcome reception; travel and accommodation are "
    "paid by the companies. Selected companies receive a preparation pack a month before "
    "departure.",
    eligibility_fr="Entreprises adhérentes en animation, effets visuels ou jeu vidéo, ayant un "
    "projet ou un catalogue à présenter en anglais. Douze entreprises au plus, choisies sur "
    "dossier.",
    eligibility_en="Member companies in animation, visual effects or video games, with a "
    "project or catalogue to present in English. Twelve companies at most, selected on "
    "application.",
    city="Toronto",
    country="CA",
    zone="America/Toronto",
    day=110,
    days=5,
    capacity=12,
    fee=Decimal("450.00"),
    deadline_weeks=6,
    partners=("demo-media-cluster-toronto", "demo-animation-studio-toronto",
              "demo-digital-arts-lab-montreal"),
    programme=(
        EventSpec("market-briefing", "info-session",
                  "Le marché canadien et la coproduction franco-canadienne",
                  "The Canadian market and Canada–France co-production",
                  "Diffuseurs, fonds canadiens et règles de l'accord de coproduction.",
                  "Broadcasters, Canadian funds and the rules of the co-production treaty.",
                  day=0, hours=("09:00", "12:00"), venue="toronto-convention", capacity=40),
        EventSpec("welcome-reception", "networking",
                  "Réception de bienvenue",
                  "Welcome reception",
                  "Rencontre avec les membres du réseau partenaire de l'Ontario.",
                  "Meet the members of the partner network in Ontario.",
                  day=0, hours=("18:00", "21:00"), venue="toronto-convention", capacity=80),
        EventSpec("b2b-meetings", "b2b-session",
                  "Journée de rendez-vous B2B",
                  "B2B meeting day",
                  "Rendez-vous préparés avec des studios, des producteurs et des diffuseurs.",
                  "Prepared meetings with studios, producers and broadcasters.",
                  day=1, hours=("09:30", "17:00"), venue="toronto-convention", capacity=36,
                  members_only=True),
        EventSpec("studio-visit", "company-visit",
                  "Visite d'un studio d'animation",
                  "Visit to an animation studio",
                  "Découverte d'un studio de séries jeunesse et de son pipeline.",
                  "Discover a children's series studio and its pipeline.",
                  day=2, hours=("10:00", "12:00"), venue="toronto-animation-studio",
                  capacity=12, members_only=True),
        EventSpec("pitching-masterclass", "masterclass",
                  "Masterclass : présenter une série aux diffuseurs canadiens",
                  "Masterclass: pitching a series to Canadian broadcasters",
                  "Un producteur et une chargée d'acquisitions décryptent les pitchs réussis.",
                  "A producer and an acquisitions executive take successful pitches apart.",
                  day=3, hours=("10:00", "16:00"), venue="toronto-convention", capacity=30),
        EventSpec("debrief", "workshop",
                  "Atelier de bilan et de suivi",
                  "Debrief and follow-up workshop",
                  "Bilan des rendez-vous et plan de relance des contacts.",
                  "Review of the meetings and a plan to follow up the contacts.",
                  day=4, hours=("09:30", "11:30"), venue="toronto-convention", capacity=15,
                  members_only=True),
    ),
)  # fmt: skip

DELEGATION = MissionSpec(
    slug="demo-delegation-marseille-cannes",
    direction="inbound",
    status="published",
    title_fr="Accueil d'une délégation internationale à Marseille et Cannes",
    title_en="International delegation visiting Marseille and Cannes",
    summary_fr="Des studios, clusters et institutions du Canada, de Belgique et du Royaume-Uni "
    "découvrent les entreprises de la région pendant quatre jours.",
    summary_en="Studios, clusters and institutions from Canada, Belgium and the UK discover "
    "the region's companies over four days.",
    description_fr="Le pôle accueille une délégation de partenaires étrangers : présentation de "
    "l'écosystème régional, rendez-vous d'affaires à Marseille et à Cannes, visites de studios à "
    "La Ciotat et à Sophia Antipolis, et projection de films d'animation de la région.",
    description_en="The cluster welcomes a delegation of partners from abroad: an overview of "
    "the regional ecosystem, business meetings in Marseille and Cannes, studio visits in "
    "La Ciotat and Sophia Antipolis, and a screening of animated films from the region.",
    eligibility_fr="Toutes les entreprises adhérentes peuvent demander des rendez-vous avec la "
    "délégation ; les visites sont réservées aux studios qui accueillent.",
    eligibility_en="Every member company may request meetings with the delegation; the visits "
    "are reserved for the host studios.",
    city="Marseille",
    country="FR",
    zone="Europe/Paris",
    day=150,
    days=4,
    capacity=20,
    fee=None,
    deadline_weeks=3,
    partners=("demo-media-cluster-toronto", "demo-game-cluster-vancouver",
              "demo-animation-cluster-brussels", "demo-cultural-institute-london"),
    programme=(
        EventSpec("welcome", "conference",
                  "Accueil de la délégation : l'écosystème créatif régional",
                  "Welcoming the delegation: the regional creative ecosystem",
                  "Présentation du pôle, des entreprises adhérentes et des aides régionales.",
                  "An overview of the cluster, its member companies and regional funding.",
                  day=0, hours=("09:30", "12:30"), venue="marseille-pharo", capacity=120),
        EventSpec("b2b-marseille", "b2b-session",
                  "Rendez-vous d'affaires à Marseille",
                  "Business meetings in Marseille",
                  "Rendez-vous de vingt minutes entre adhérents et délégués étrangers.",
                  "Twenty-minute meetings between members and the foreign delegates.",
                  day=0, hours=("14:00", "18:00"), venue="marseille-media-hub", capacity=40),
        EventSpec("visit-la-ciotat", "company-visit",
                  "Visite des plateaux de tournage de La Ciotat",
                  "Visit to the film stages of La Ciotat",
                  "Plateaux, production virtuelle sur écran LED et projets en cours.",
                  "Stages, LED-wall virtual production and current projects.",
                  day=1, hours=("10:00", "12:00"), venue="la-ciotat-studio", capacity=25),
        EventSpec("visit-sophia-antipolis", "company-visit",
                  "Visite d'un studio de jeux sérieux à Sophia Antipolis",
                  "Visit to a serious games studio in Sophia Antipolis",
                  "Démonstrations de simulations pour la formation et la santé.",
                  "Demonstrations of simulations for training and healthcare.",
                  day=2, hours=("10:00", "12:00"), venue="sophia-serious-games", capacity=25),
        EventSpec("b2b-cannes", "b2b-session",
                  "Rendez-vous d'affaires à Cannes",
                  "Business meetings in Cannes",
                  "Une journée de rendez-vous avec les adhérents des Alpes-Maritimes.",
                  "A day of meetings with the members from the Alpes-Maritimes.",
                  day=3, hours=("09:30", "17:00"), venue="cannes-palais", capacity=40),
        EventSpec("screening-cannes", "screening",
                  "Projection de films d'animation de la région",
                  "Screening of animated films from the region",
                  "Courts métrages et épisodes pilotes produits par les studios adhérents.",
                  "Short films and pilot episodes made by member studios.",
                  day=3, hours=("19:00", "22:00"), venue="cannes-palais", capacity=200),
    ),
)  # fmt: skip

VANCOUVER = MissionSpec(
    slug="demo-mission-vancouver-games-vfx",
    direction="outbound",
    status="published",
    title_fr="Mission jeu vidéo et effets visuels à Vancouver",
    title_en="Games and VFX trade mission to Vancouver",
    summary_fr="Quatre jours à Vancouver, pôle mondial du jeu vidéo et des effets visuels, "
    "pour nouer des partenariats de production.",
    summary_en="Four days in Vancouver, a world hub of games and visual effects, to build "
    "production partnerships.",
    description_fr="Une conférence sur la production virtuelle, une journée de rendez-vous B2B, "
    "la visite d'un studio d'effets visuels et une soirée de rencontres avec le cluster "
    "partenaire. Le pôle prend en charge l'organisation des rendez-vous et l'accompagnement.",
    description_en="A conference on virtual production, a day of B2B meetings, a visit to a "
    "visual effects studio and a networking evening with the partner cluster. The cluster "
    "arranges the meetings and accompanies the delegation.",
    eligibility_fr="Studios adhérents de jeu vidéo, d'effets visuels ou d'animation 3D, prêts à "
    "travailler en anglais avec des équipes nord-américaines.",
    eligibility_en="Member studios in video games, visual effects or 3D animation, ready to "
    "work in English with North American teams.",
    city="Vancouver",
    country="CA",
    zone="America/Vancouver",
    day=200,
    days=4,
    capacity=10,
    fee=Decimal("500.00"),
    deadline_weeks=6,
    partners=("demo-game-cluster-vancouver", "demo-vfx-studio-vancouver"),
    programme=(
        EventSpec("virtual-production-conference", "conference",
                  "Conférence : la production virtuelle à Vancouver",
                  "Conference: virtual production in Vancouver",
                  "Moteurs de jeu, écrans LED et nouveaux métiers de l'image.",
                  "Game engines, LED volumes and new jobs in image-making.",
                  day=0, hours=("09:00", "12:00"), venue="vancouver-convention", capacity=60),
        EventSpec("b2b-meetings", "b2b-session",
                  "Journée de rendez-vous B2B",
                  "B2B meeting day",
                  "Rendez-vous avec des studios, des éditeurs et des prestataires techniques.",
                  "Meetings with studios, publishers and technical service providers.",
                  day=1, hours=("09:30", "17:00"), venue="vancouver-convention", capacity=30,
                  members_only=True),
        EventSpec("vfx-studio-visit", "company-visit",
                  "Visite d'un studio d'effets visuels",
                  "Visit to a visual effects studio",
                  "Organisation d'un grand studio et accueil des talents étrangers.",
                  "How a large studio is organised and how it hires talent from abroad.",
                  day=2, hours=("10:00", "12:00"), venue="vancouver-vfx-studio", capacity=10,
                  members_only=True),
        EventSpec("networking-evening", "networking",
                  "Soirée de rencontres avec le cluster partenaire",
                  "Networking evening with the partner cluster",
                  "Rencontres informelles avec les studios de la Colombie-Britannique.",
                  "Informal meetings with British Columbia studios.",
                  day=3, hours=("18:00", "20:30"), venue="vancouver-convention", capacity=80),
    ),
)  # fmt: skip

MONTREAL = MissionSpec(
    slug="demo-mission-montreal-immersive",
    direction="outbound",
    status="draft",
    title_fr="Mission création immersive à Montréal (en préparation)",
    title_en="Immersive creation trade mission to Montréal (in preparation)",
    summary_fr="Projet de mission auprès des laboratoires et des studios immersifs de Montréal.",
    summary_en="Planned mission to Montréal's immersive labs and studios.",
    description_fr="Programme en cours de construction avec le laboratoire partenaire : "
    "séance d'information et journée de rendez-vous B2B.",
    description_en="Programme being built with the partner lab: an information session and "
    "a day of B2B meetings.",
    eligibility_fr="Studios adhérents en réalité virtuelle, en mapping vidéo ou en création "
    "numérique pour les lieux culturels.",
    eligibility_en="Member studios in virtual reality, video mapping or digital creation for "
    "cultural venues.",
    city="Montréal",
    country="CA",
    zone="America/Toronto",
    day=290,
    days=4,
    capacity=8,
    fee=Decimal("450.00"),
    deadline_weeks=6,
    partners=("demo-digital-arts-lab-montreal",),
    programme=(
        EventSpec("briefing", "info-session",
                  "Séance d'information sur l'écosystème immersif québécois",
                  "Briefing on Québec's immersive ecosystem",
                  "Acteurs, financements et lieux de diffusion au Québec.",
                  "Players, funding and venues in Québec.",
                  day=0, hours=("09:30", "12:00"), venue="montreal-digital-arts-lab",
                  capacity=30, status="draft"),
        EventSpec("b2b-meetings", "b2b-session",
                  "Journée de rendez-vous B2B",
                  "B2B meeting day",
                  "Rendez-vous avec des studios et des diffuseurs de création immersive.",
                  "Meetings with immersive studios and venues.",
                  day=1, hours=("09:30", "17:00"), venue="montreal-digital-arts-lab",
                  capacity=24, members_only=True, status="draft"),
    ),
)  # fmt: skip

MISSIONS = [LONDON, BRUSSELS, TORONTO, DELEGATION, VANCOUVER, MONTREAL]
