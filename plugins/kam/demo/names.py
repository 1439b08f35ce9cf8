"""Word lists of the demo world: places, industries, people, products, competitors."""
from __future__ import annotations

# country, region, currency, share of customers, web domain suffix, phone prefix
COUNTRIES = [
    ("DE", "DACH", "EUR", 0.30, "de", "+49"), ("AT", "DACH", "EUR", 0.07, "at", "+43"),
    ("CH", "DACH", "EUR", 0.06, "ch", "+41"), ("NL", "Benelux", "EUR", 0.08, "nl", "+31"),
    ("BE", "Benelux", "EUR", 0.05, "be", "+32"), ("FR", "France", "EUR", 0.09, "fr", "+33"),
    ("IT", "Southern Europe", "EUR", 0.05, "it", "+39"), ("ES", "Southern Europe", "EUR", 0.04, "es", "+34"),
    ("SE", "Nordics", "EUR", 0.03, "se", "+46"), ("DK", "Nordics", "EUR", 0.02, "dk", "+45"),
    ("GB", "UK & Ireland", "GBP", 0.10, "co.uk", "+44"), ("IE", "UK & Ireland", "EUR", 0.02, "ie", "+353"),
    ("US", "North America", "USD", 0.09, "com", "+1"),
]
INDUSTRIES = ["Automotive", "Chemicals", "Construction", "Electronics", "Food & Beverage",
              "Machinery", "Medical Devices", "Energy", "Logistics", "Packaging"]
ACCOUNT_MANAGERS = ["Katrin Vogel", "Aylin Demir", "Thomas Quast", "Stefan Brandl",
                    "Marco Rossi", "Julia Neumann", "Pieter de Vries", "Claire Martin"]
NAME_STEMS = ["Alpen", "Berg", "Nord", "Rhein", "Titan", "Terra", "Zenit", "Vector", "Delta", "Orion",
              "Atlas", "Falk", "Kessler", "Lindner", "Meridian", "Polaris", "Sonnen", "Stahl",
              "Apex", "Hansa", "Baltic", "Iberia", "Lumen", "Quantum", "Helix", "Nova", "Summit",
              "Crown", "Pioneer", "Vulkan", "Adler", "Weser", "Elbe", "Donau", "Brenner", "Oster"]
NAME_TRADES = ["Maschinenbau", "Chemie", "Textil", "Foods", "Logistik", "Elektronik", "Werke",
               "Metall", "Bau", "Systems", "Industries", "Components", "Technik", "Pharma", "Energie"]
LEGAL_FORMS = {"DE": "GmbH", "AT": "GmbH", "CH": "AG", "NL": "B.V.", "BE": "NV", "FR": "SAS",
               "IT": "S.p.A.", "ES": "S.L.", "SE": "AB", "DK": "A/S", "GB": "Ltd", "IE": "Ltd", "US": "Inc."}
FIRST_NAMES = ["Anna", "Lukas", "Nina", "Henrik", "James", "Louis", "Sophie", "Marie", "Jonas", "Elena",
               "Paul", "Laura", "David", "Sarah", "Tom", "Emma", "Felix", "Clara", "Max", "Lea",
               "Oliver", "Mia", "Noah", "Hanna", "Pierre", "Giulia", "Lars", "Ingrid", "Sean", "Olivia"]
LAST_NAMES = ["Klein", "Schwarz", "Zimmermann", "Werner", "Becker", "Hoffmann", "Schulz", "Koch",
              "Richter", "Wolf", "Neumann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange",
              "Dubois", "Bianchi", "Jansen", "Nilsson", "Murphy", "Smith", "Walker", "Fischer"]
DECISION_MAKER_TITLES = ["Head of Purchasing", "Procurement Director", "Managing Director", "CEO",
                         "Plant Manager", "Chief Operating Officer"]
OTHER_TITLES = ["Buyer", "Purchasing Assistant", "Engineer", "Quality Manager",
                "Logistics Coordinator", "Accounts Payable", "Procurement Manager", None]
PRODUCT_CATEGORIES = ["fasteners", "hydraulics", "electrical", "packaging", "safety",
                      "spare parts", "bulk chemicals", "tools"]
BULK_CATEGORY = "bulk chemicals"  # sold in decimal quantities
COMPETITORS = ["Würth", "Bossard", "Grainger", "Hoffmann Group", "RS Components", "Fastenal"]
LOST_REASONS = ["price", "delivery time", "existing supplier relationship", "product fit",
                "budget cut", "project cancelled"]
SALES_CHANNELS = ["edi", "web", "phone", "field"]
