/**
 * ISO 3166-1 alpha-3 country codes: the 249 officially assigned codes, and the user-assigned ranges a
 * dictionary may opt into per field (e.g. XXA "stateless person" and the code for "unspecified nationality"
 * from ICAO Doc 9303, or XKX for Kosovo) — refugee registration needs them where ISO has no code.
 */

// Officially assigned codes (ISO 3166-1, current as of the 2024 list; none added since 2011).
const ASSIGNED =
  'ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN ' +
  'BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN ' +
  'CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU ' +
  'DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR ' +
  'GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV ' +
  'HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM ' +
  'KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA ' +
  'MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM ' +
  'NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL ' +
  'PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE ' +
  'SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK ' +
  'TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB ' +
  'VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE';

export const ISO_3166_ALPHA3: ReadonlySet<string> = new Set(ASSIGNED.split(' '));

/** True for an officially assigned ISO 3166-1 alpha-3 code (upper case). */
export function isAssignedCountryCode(code: string): boolean {
  return ISO_3166_ALPHA3.has(code);
}

/** True for a code in a range ISO 3166-1 leaves to users: AAA–AAZ, QMA–QZZ, XAA–XZZ, ZZA–ZZZ. */
export function isUserAssignedCountryCode(code: string): boolean {
  return /^(AA[A-Z]|Q[M-Z][A-Z]|X[A-Z]{2}|ZZ[A-Z])$/.test(code);
}
