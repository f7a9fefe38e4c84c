--
-- PostgreSQL database dump
--

\restrict JTzsNlwbnKrAqccW62TYFB4LQEUhCgOrfvLPWDMyZPre9Rd0UeD5XRzM19SHnSe

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: audit_log_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    seq bigint NOT NULL,
    at bigint NOT NULL,
    actor text NOT NULL,
    device_id text,
    action text NOT NULL,
    client_ids text NOT NULL,
    details text NOT NULL,
    result text NOT NULL,
    origin text,
    previous_hash text NOT NULL,
    hash text NOT NULL
);


--
-- Name: change_positions; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.change_positions
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.changes (
    seq bigint NOT NULL,
    id text NOT NULL,
    client_id text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL,
    operation text NOT NULL,
    payload text NOT NULL,
    hlc text NOT NULL,
    author_id text NOT NULL,
    author_discipline text,
    device_id text NOT NULL,
    received_at bigint NOT NULL,
    visible_to text
);


--
-- Name: client_digests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.client_digests (
    client_id text NOT NULL,
    audience text NOT NULL,
    change_count bigint NOT NULL,
    digest bigint NOT NULL
);


--
-- Name: client_teams; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.client_teams (
    client_id text NOT NULL,
    team_id text NOT NULL,
    from_hlc text,
    to_hlc text
);


--
-- Name: clients; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.clients (
    id text NOT NULL,
    team_id text NOT NULL,
    created_at bigint NOT NULL,
    erased_at bigint
);


--
-- Name: devices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.devices (
    id text NOT NULL,
    professional_id text NOT NULL,
    name text,
    token_hash text NOT NULL,
    enrolled_at bigint NOT NULL,
    last_seen_at bigint,
    revoked_at bigint,
    max_hlc text
);


--
-- Name: enrollment_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.enrollment_codes (
    code_hash text NOT NULL,
    professional_id text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    used_at bigint,
    device_id text
);


--
-- Name: memberships; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.memberships (
    professional_id text NOT NULL,
    team_id text NOT NULL
);


--
-- Name: professionals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.professionals (
    id text NOT NULL,
    name text NOT NULL,
    discipline text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: refused_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.refused_changes (
    id text NOT NULL,
    code text NOT NULL,
    message text NOT NULL,
    refused_at bigint NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version text NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: scope_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scope_events (
    seq bigint NOT NULL,
    client_id text NOT NULL,
    from_team text NOT NULL,
    to_team text NOT NULL
);


--
-- Name: server_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.server_state (
    singleton integer NOT NULL,
    horizon bigint NOT NULL,
    CONSTRAINT server_state_singleton_check CHECK ((singleton = 1))
);


--
-- Name: teams; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.teams (
    id text NOT NULL,
    name text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_log (seq, at, actor, device_id, action, client_ids, details, result, origin, previous_hash, hash) FROM stdin;
1	1796656589278	administrator	\N	admin.teamCreate		{"team":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	ok	\N	0000000000000000000000000000000000000000000000000000000000000000	d11e863d5d3eade74ede3b4511cc7445580b4e5d5fe5fda7bd4c4d2f8f6a1c37
2	1796656589400	administrator	\N	admin.teamCreate		{"team":"01a25113-ea55-7b79-b23b-d5979006aa61"}	ok	\N	d11e863d5d3eade74ede3b4511cc7445580b4e5d5fe5fda7bd4c4d2f8f6a1c37	ce58bf2d43dd07e0145cb835635ce225b5d51985f96a486417af8a29c69d05e9
3	1796656589529	administrator	\N	admin.professionalCreate		{"discipline":"clientManager","professional":"01a25113-ead3-7584-b5c8-228537b6db87","teams":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	ok	\N	ce58bf2d43dd07e0145cb835635ce225b5d51985f96a486417af8a29c69d05e9	0bcec1fbfd1d68b6ae0ac66246897e242da74f7d3a16c55e1f387d17c0868c2b
4	1796656589620	administrator	\N	admin.professionalCreate		{"discipline":"incomeConsultant","professional":"01a25113-eb26-7a9b-bc90-5254c6c72434","teams":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	ok	\N	0bcec1fbfd1d68b6ae0ac66246897e242da74f7d3a16c55e1f387d17c0868c2b	3e3382f3e7c17c43fa83d862f8d9c884b835db25752b52254c706d796c625185
5	1796656589732	administrator	\N	admin.professionalCreate		{"discipline":"accountManager","professional":"01a25113-eb94-7cbc-956b-0a0c3c9f3987","teams":"01a25113-ea55-7b79-b23b-d5979006aa61"}	ok	\N	3e3382f3e7c17c43fa83d862f8d9c884b835db25752b52254c706d796c625185	e5760d14d318c0df934684b2b0077aa8daa3217b469667c183474620e9e18410
6	1796656589851	administrator	\N	admin.clientCreate	01a25113-ec0c-7a28-b796-84e02166536a	{"team":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	ok	\N	e5760d14d318c0df934684b2b0077aa8daa3217b469667c183474620e9e18410	a55f031871322a5a4424071acfb94beabadd4ef966f174ffb0c1f5826c145570
7	1796656590106	administrator	\N	admin.clientCreate	01a25113-ecf3-70e2-9e97-9758d810eea0	{"team":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	ok	\N	a55f031871322a5a4424071acfb94beabadd4ef966f174ffb0c1f5826c145570	e25a5cb36396651c289abe30d906ff31eafd310aacde711b1e84a71d864b97ed
8	1796656590410	administrator	\N	admin.clientCreate	01a25113-ee3f-7ff7-8688-424f18599aa9	{"team":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	ok	\N	e25a5cb36396651c289abe30d906ff31eafd310aacde711b1e84a71d864b97ed	a665e53ca193578380908660e952c34855fe438332d4eaf226b9eb898887577d
9	1796656592520	administrator	\N	admin.enrollmentCodeIssue		{"professional":"01a25113-ead3-7584-b5c8-228537b6db87","validForMillis":"86400000"}	ok	\N	a665e53ca193578380908660e952c34855fe438332d4eaf226b9eb898887577d	071daec6df3c917d396d0ebac3a0fd74e78c70f9da0eae96e23023fb8c83fcbd
10	1796656592579	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	enroll		{}	ok	127.0.0.1	071daec6df3c917d396d0ebac3a0fd74e78c70f9da0eae96e23023fb8c83fcbd	08630dd090dc1663ffd9c3ca60e0040193e5c45ee50a12e09b39bb131a07eefb
11	1796656592701	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	pull	01a25113-ec0c-7a28-b796-84e02166536a,01a25113-ecf3-70e2-9e97-9758d810eea0,01a25113-ee3f-7ff7-8688-424f18599aa9	{"changes":"3"}	ok	127.0.0.1	08630dd090dc1663ffd9c3ca60e0040193e5c45ee50a12e09b39bb131a07eefb	114f1b06b2efbfea8d3fd8473d462c71f488d1210d78afee5c14bdc77e9f4e5f
12	1796656592729	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	digest		{"clients":"3"}	ok	127.0.0.1	114f1b06b2efbfea8d3fd8473d462c71f488d1210d78afee5c14bdc77e9f4e5f	c6d158231027ff6a850a11df2775e87afc279a2fd0d56bc4eee010b63e34611b
13	1796656592807	administrator	\N	admin.enrollmentCodeIssue		{"professional":"01a25113-eb26-7a9b-bc90-5254c6c72434","validForMillis":"86400000"}	ok	\N	c6d158231027ff6a850a11df2775e87afc279a2fd0d56bc4eee010b63e34611b	706ebadba7ff0098e4b504669e55d96d5430a99822bb742229135ec6c86ef43a
14	1796656592857	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	enroll		{}	ok	127.0.0.1	706ebadba7ff0098e4b504669e55d96d5430a99822bb742229135ec6c86ef43a	568e5da8c704a3aa235736d25b388e6c7d42c864ebfe7824bedfc88a2fd5ca3a
15	1796656592947	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	pull	01a25113-ec0c-7a28-b796-84e02166536a,01a25113-ecf3-70e2-9e97-9758d810eea0,01a25113-ee3f-7ff7-8688-424f18599aa9	{"changes":"3"}	ok	127.0.0.1	568e5da8c704a3aa235736d25b388e6c7d42c864ebfe7824bedfc88a2fd5ca3a	ac693674474b3830662c57c106ca018a27ea05180e91fe554356befde84a3a8b
16	1796656592966	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	digest		{"clients":"3"}	ok	127.0.0.1	ac693674474b3830662c57c106ca018a27ea05180e91fe554356befde84a3a8b	d714fb4f3cc5748be3efccee526eb60d059d0daf975660d92c4c3e0d84836091
17	1796656593047	administrator	\N	admin.enrollmentCodeIssue		{"professional":"01a25113-eb94-7cbc-956b-0a0c3c9f3987","validForMillis":"86400000"}	ok	\N	d714fb4f3cc5748be3efccee526eb60d059d0daf975660d92c4c3e0d84836091	57e63a2ea9ea4ffd641a1bc07c94eb11074a6d08115d4d27983dc1d4f301fb4c
18	1796656593092	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	enroll		{}	ok	127.0.0.1	57e63a2ea9ea4ffd641a1bc07c94eb11074a6d08115d4d27983dc1d4f301fb4c	f7e072fd0f43f844f16129c1f4e773cecd4d69aa9d5f98073aa0b6e0d56c4b88
19	1796656593200	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	pull		{"changes":"0"}	ok	127.0.0.1	f7e072fd0f43f844f16129c1f4e773cecd4d69aa9d5f98073aa0b6e0d56c4b88	7ee28cf5ca8d9079e17842aff8e8db1fbf045bdb0abf5aa4016f624908af0499
20	1796656593226	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	digest		{"clients":"0"}	ok	127.0.0.1	7ee28cf5ca8d9079e17842aff8e8db1fbf045bdb0abf5aa4016f624908af0499	60ceece02dd7453ab42ed810d2504fe2bbf9410e5f82cdf1916ac755c99b8a5e
21	1796656593530	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	push	01a25113-ec0c-7a28-b796-84e02166536a,01a25113-ecf3-70e2-9e97-9758d810eea0,01a25113-ee3f-7ff7-8688-424f18599aa9	{"accepted":"3","duplicate":"0","received":"3","rejected":"0"}	ok	127.0.0.1	60ceece02dd7453ab42ed810d2504fe2bbf9410e5f82cdf1916ac755c99b8a5e	a9c12f7116b388ccdfe3f2af9a817ea8349bd5487dc16896625f44cad2eab58d
22	1796656593586	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	pull		{"changes":"0"}	ok	127.0.0.1	a9c12f7116b388ccdfe3f2af9a817ea8349bd5487dc16896625f44cad2eab58d	076360d94cd1c77ed6922751e0e3d9dbfdc6cad73260d96a2989125dbd596ab3
23	1796656593603	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	digest		{"clients":"3"}	ok	127.0.0.1	076360d94cd1c77ed6922751e0e3d9dbfdc6cad73260d96a2989125dbd596ab3	8071440550027da581d8d81383738e8493f7883416f15b01fa13d9c405bb3b47
24	1796656593681	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	push	01a25113-ec0c-7a28-b796-84e02166536a	{"accepted":"1","duplicate":"0","received":"1","rejected":"0"}	ok	127.0.0.1	8071440550027da581d8d81383738e8493f7883416f15b01fa13d9c405bb3b47	85f3bd428481694331dd133c1cb2ce1f1cb226dbe7c921e2082378fbe23be58a
25	1796656593705	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	pull	01a25113-ec0c-7a28-b796-84e02166536a,01a25113-ecf3-70e2-9e97-9758d810eea0,01a25113-ee3f-7ff7-8688-424f18599aa9	{"changes":"3"}	ok	127.0.0.1	85f3bd428481694331dd133c1cb2ce1f1cb226dbe7c921e2082378fbe23be58a	93efc5cf56900a349630ef7398d0108a99c79bd8043726c1e374ce6c55b16ccf
26	1796656593722	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	digest		{"clients":"3"}	ok	127.0.0.1	93efc5cf56900a349630ef7398d0108a99c79bd8043726c1e374ce6c55b16ccf	839b32cfac5c4875b432a9d419809abc3d8298ed37b5630a997fb333a527bcf0
27	1796656593792	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	pull		{"changes":"0"}	ok	127.0.0.1	839b32cfac5c4875b432a9d419809abc3d8298ed37b5630a997fb333a527bcf0	d8a7952f48e2220516a8d2f5a8da66658947cf4827c968c8b6defd61bda94981
28	1796656593812	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	digest		{"clients":"0"}	ok	127.0.0.1	d8a7952f48e2220516a8d2f5a8da66658947cf4827c968c8b6defd61bda94981	036dfca45a3366f46eced4836d19931cf1ac67f7b2fec1fd92bc279ddcb007b8
29	1796656593902	administrator	\N	admin.clientMove	01a25113-ecf3-70e2-9e97-9758d810eea0	{"team":"01a25113-ea55-7b79-b23b-d5979006aa61"}	ok	\N	036dfca45a3366f46eced4836d19931cf1ac67f7b2fec1fd92bc279ddcb007b8	7f4931318b159782390f10f9a4d16c66a4fcd63f7fcb3bd8bd7312f9f83ff3e8
30	1796656593996	administrator	\N	admin.clientErase	01a25113-ee3f-7ff7-8688-424f18599aa9	{"changesRemoved":"2","reason":"AVG-2026-001"}	ok	\N	7f4931318b159782390f10f9a4d16c66a4fcd63f7fcb3bd8bd7312f9f83ff3e8	c3ad600ccb5ee954b5209bd3e083fd7500b06e3e3b4c622aace8e08b97b37ae6
31	1796656594069	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	pull	01a25113-ecf3-70e2-9e97-9758d810eea0	{"changes":"0"}	ok	127.0.0.1	c3ad600ccb5ee954b5209bd3e083fd7500b06e3e3b4c622aace8e08b97b37ae6	03e4b414581e37eb61d85abbd6ac77847292b1819a7be568d51c6413a87fccfa
32	1796656594087	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	pull	01a25113-ee3f-7ff7-8688-424f18599aa9	{"changes":"0"}	ok	127.0.0.1	03e4b414581e37eb61d85abbd6ac77847292b1819a7be568d51c6413a87fccfa	fa08a3f694ad0aa56affceb01a41b3d78f6fa9ad8761c4dce2ddfd2d42081e30
33	1796656594102	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	pull		{"changes":"0"}	ok	127.0.0.1	fa08a3f694ad0aa56affceb01a41b3d78f6fa9ad8761c4dce2ddfd2d42081e30	dda6d4d6f147dd004369be6ba0a0b85839c336c237951f31a9192a1f48722965
34	1796656594121	01a25113-ead3-7584-b5c8-228537b6db87	01a25113-f6c3-74f6-83d8-5590ba3b105a	digest		{"clients":"1"}	ok	127.0.0.1	dda6d4d6f147dd004369be6ba0a0b85839c336c237951f31a9192a1f48722965	b4d09cada1b3e3aa0fef1535abd5743573c2cd0024e8c23c313a9239059a91a4
35	1796656594240	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	pull	01a25113-ecf3-70e2-9e97-9758d810eea0	{"changes":"0"}	ok	127.0.0.1	b4d09cada1b3e3aa0fef1535abd5743573c2cd0024e8c23c313a9239059a91a4	79087397638a0ca1f21e09c59459833deab604e623e374e27bac8064e586075d
36	1796656594257	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	pull	01a25113-ee3f-7ff7-8688-424f18599aa9	{"changes":"0"}	ok	127.0.0.1	79087397638a0ca1f21e09c59459833deab604e623e374e27bac8064e586075d	ce526872bb5e5d3be230505f8c7f0270df71878060e2531ec332627dfd24a419
37	1796656594278	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	pull		{"changes":"0"}	ok	127.0.0.1	ce526872bb5e5d3be230505f8c7f0270df71878060e2531ec332627dfd24a419	a0c9e066b661aaa67aa8f30ef9930b08ee02cb6cd507befe4036b925b8fab41d
38	1796656594306	01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-f7d9-75e4-b50f-e4deb762e61d	digest		{"clients":"1"}	ok	127.0.0.1	a0c9e066b661aaa67aa8f30ef9930b08ee02cb6cd507befe4036b925b8fab41d	c1a1f90ebce5b303640bb61d0f423c1b0321d7fa0964ef1232367d01d10e76dc
39	1796656594723	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	pull	01a25113-ecf3-70e2-9e97-9758d810eea0	{"changes":"0"}	ok	127.0.0.1	c1a1f90ebce5b303640bb61d0f423c1b0321d7fa0964ef1232367d01d10e76dc	0874e2f5953f908314fb92b58ace2da9872b69eb87592bf5e5936b13b9bf25c0
40	1796656594776	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	pull	01a25113-ecf3-70e2-9e97-9758d810eea0	{"changes":"3"}	ok	127.0.0.1	0874e2f5953f908314fb92b58ace2da9872b69eb87592bf5e5936b13b9bf25c0	aa5efa3e39849a17f884e81c5b352ae97c65a1cf940d317cc1fd32d5bd21d51d
41	1796656594813	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	pull		{"changes":"0"}	ok	127.0.0.1	aa5efa3e39849a17f884e81c5b352ae97c65a1cf940d317cc1fd32d5bd21d51d	f99772d39531cb610a8d8024d5837cb2134312077c850203339b710e0bf451a3
42	1796656594844	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	digest		{"clients":"1"}	ok	127.0.0.1	f99772d39531cb610a8d8024d5837cb2134312077c850203339b710e0bf451a3	2a9d10c8f499bab2894a7299a2d31d4148e2019f25124fdf99c7662708b76c98
43	1796656594985	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	push	01a25113-ecf3-70e2-9e97-9758d810eea0	{"accepted":"1","duplicate":"0","received":"1","rejected":"0"}	ok	127.0.0.1	2a9d10c8f499bab2894a7299a2d31d4148e2019f25124fdf99c7662708b76c98	2e54ba73619d9131c2d94a560d8d09d7c586130cc2dcddee223f77d104a69eb2
44	1796656595032	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	pull		{"changes":"0"}	ok	127.0.0.1	2e54ba73619d9131c2d94a560d8d09d7c586130cc2dcddee223f77d104a69eb2	c4bfb47ce2730849cf4db1bc7f9d29324c909992a831f489284a44047bd291de
45	1796656595169	01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-f8c4-7a22-a834-204ef05bbbf5	digest		{"clients":"1"}	ok	127.0.0.1	c4bfb47ce2730849cf4db1bc7f9d29324c909992a831f489284a44047bd291de	c523a2669692847929219153f9ea3c95160af388ace74323eb666739ba14bcdf
\.


--
-- Data for Name: changes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.changes (seq, id, client_id, entity_type, entity_id, operation, payload, hlc, author_id, author_discipline, device_id, received_at, visible_to) FROM stdin;
1	01a25113-ec0c-70b5-bf76-4f6f2280ff7f	01a25113-ec0c-7a28-b796-84e02166536a	client	01a25113-ec0c-7a28-b796-84e02166536a	register	{"name":"Jaap","teamId":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	001796656589836-00000	administrator	\N	server	1796656589836	\N
2	01a25113-ecf3-7b2b-9959-2bb09883efc7	01a25113-ecf3-70e2-9e97-9758d810eea0	client	01a25113-ecf3-70e2-9e97-9758d810eea0	register	{"name":"Mira","teamId":"01a25113-e9dd-773b-b27c-06d1e4a6f2c7"}	001796656590067-00000	administrator	\N	server	1796656590067	\N
4	01a25113-f99f-7a43-b440-f88d6d505f43	01a25113-ec0c-7a28-b796-84e02166536a	note	01a25113-f99f-7dd3-9d10-ff9e3284e52c	add	{"behaviour":"jobSearch","determinants":["selfEfficacy"],"text":"Huisbezoek: Jaap wil werken maar mist zelfvertrouwen"}	001796656593311-00000	01a25113-ead3-7584-b5c8-228537b6db87	clientManager	01a25113-f6c3-74f6-83d8-5590ba3b105a	1796656593530	\N
5	01a25113-fa0c-76a1-9109-be6254f35b8c	01a25113-ecf3-70e2-9e97-9758d810eea0	note	01a25113-fa0c-7849-871b-c66f8f124fbe	add	{"determinants":[],"text":"Mira start met de taalcursus"}	001796656593420-00000	01a25113-ead3-7584-b5c8-228537b6db87	clientManager	01a25113-f6c3-74f6-83d8-5590ba3b105a	1796656593530	\N
7	01a25113-f9d4-7ecd-9d3d-9d1285175c67	01a25113-ec0c-7a28-b796-84e02166536a	note	01a25113-f9d4-751f-95fa-aac8f0aa8ad0	add	{"determinants":[],"text":"Schulden bij de energieleverancier","visibility":"discipline"}	001796656593364-00000	01a25113-eb26-7a9b-bc90-5254c6c72434	incomeConsultant	01a25113-f7d9-75e4-b50f-e4deb762e61d	1796656593681	incomeConsultant
8	01a25113-fbe3-752c-a741-0896e6bbba44	01a25113-ecf3-70e2-9e97-9758d810eea0	client	01a25113-ecf3-70e2-9e97-9758d810eea0	move	{"teamId":"01a25113-ea55-7b79-b23b-d5979006aa61"}	001796656593891-00000	administrator	\N	server	1796656593891	\N
9	01a25113-fc35-7889-96ff-5af243b650c6	01a25113-ee3f-7ff7-8688-424f18599aa9	client	01a25113-ee3f-7ff7-8688-424f18599aa9	erase	{}	001796656593973-00000	administrator	\N	server	1796656593973	\N
10	01a25113-ffe3-7673-abce-dc311538f425	01a25113-ecf3-70e2-9e97-9758d810eea0	note	01a25113-ffe3-7d4a-98e4-c1ffae6f4868	add	{"determinants":[],"text":"Werkgever gevonden voor Mira"}	001796656594915-00000	01a25113-eb94-7cbc-956b-0a0c3c9f3987	accountManager	01a25113-f8c4-7a22-a834-204ef05bbbf5	1796656594985	\N
\.


--
-- Data for Name: client_digests; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.client_digests (client_id, audience, change_count, digest) FROM stdin;
01a25113-ec0c-7a28-b796-84e02166536a		2	-571583484791165425
01a25113-ec0c-7a28-b796-84e02166536a	incomeConsultant	1	599783132729790379
01a25113-ee3f-7ff7-8688-424f18599aa9		1	-2330263230292362860
01a25113-ecf3-70e2-9e97-9758d810eea0		4	-3616629329912871880
\.


--
-- Data for Name: client_teams; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.client_teams (client_id, team_id, from_hlc, to_hlc) FROM stdin;
01a25113-ec0c-7a28-b796-84e02166536a	01a25113-e9dd-773b-b27c-06d1e4a6f2c7	\N	\N
01a25113-ecf3-70e2-9e97-9758d810eea0	01a25113-e9dd-773b-b27c-06d1e4a6f2c7	\N	001796656593891-00000
01a25113-ecf3-70e2-9e97-9758d810eea0	01a25113-ea55-7b79-b23b-d5979006aa61	001796656593891-00000	\N
\.


--
-- Data for Name: clients; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.clients (id, team_id, created_at, erased_at) FROM stdin;
01a25113-ec0c-7a28-b796-84e02166536a	01a25113-e9dd-773b-b27c-06d1e4a6f2c7	1796656589836	\N
01a25113-ecf3-70e2-9e97-9758d810eea0	01a25113-ea55-7b79-b23b-d5979006aa61	1796656590067	\N
01a25113-ee3f-7ff7-8688-424f18599aa9	01a25113-e9dd-773b-b27c-06d1e4a6f2c7	1796656590399	1796656593973
\.


--
-- Data for Name: devices; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.devices (id, professional_id, name, token_hash, enrolled_at, last_seen_at, revoked_at, max_hlc) FROM stdin;
01a25113-f6c3-74f6-83d8-5590ba3b105a	01a25113-ead3-7584-b5c8-228537b6db87	vm	617eca2c0d46222d985884d2d9e96195c1a9d81e2df606f0010dbf68589add77	1796656592579	1796656592579	\N	001796656593458-00000
01a25113-f7d9-75e4-b50f-e4deb762e61d	01a25113-eb26-7a9b-bc90-5254c6c72434	vm	74f38fb349312b1635b60b18b9db64fbc80a29a6d1ed91c8e60519d85ea5d468	1796656592857	1796656592857	\N	001796656593364-00000
01a25113-f8c4-7a22-a834-204ef05bbbf5	01a25113-eb94-7cbc-956b-0a0c3c9f3987	vm	4584e932e78dce30c0e184404a78d52eecd85927f59809ec7ff9120fd0f6d63b	1796656593092	1796656593092	\N	001796656594915-00000
\.


--
-- Data for Name: enrollment_codes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.enrollment_codes (code_hash, professional_id, created_at, expires_at, used_at, device_id) FROM stdin;
71883c4f645c263e7d0c5d4a1f834b167573382ad9b3a9270f8cf4aca7662ac0	01a25113-ead3-7584-b5c8-228537b6db87	1796656592510	1796742992510	1796656592579	01a25113-f6c3-74f6-83d8-5590ba3b105a
b9d1576dcea078ed6436404c9ed301d59d839abcdfb0693814e928b527c80882	01a25113-eb26-7a9b-bc90-5254c6c72434	1796656592802	1796742992802	1796656592857	01a25113-f7d9-75e4-b50f-e4deb762e61d
0750b4eca034d9fb623b6eeb01a0fbf1efe0ff2799d2fd43e81d449c907f4735	01a25113-eb94-7cbc-956b-0a0c3c9f3987	1796656593041	1796742993041	1796656593092	01a25113-f8c4-7a22-a834-204ef05bbbf5
\.


--
-- Data for Name: memberships; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.memberships (professional_id, team_id) FROM stdin;
01a25113-ead3-7584-b5c8-228537b6db87	01a25113-e9dd-773b-b27c-06d1e4a6f2c7
01a25113-eb26-7a9b-bc90-5254c6c72434	01a25113-e9dd-773b-b27c-06d1e4a6f2c7
01a25113-eb94-7cbc-956b-0a0c3c9f3987	01a25113-ea55-7b79-b23b-d5979006aa61
\.


--
-- Data for Name: professionals; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.professionals (id, name, discipline, created_at) FROM stdin;
01a25113-ead3-7584-b5c8-228537b6db87	Sanne	clientManager	1796656589523
01a25113-eb26-7a9b-bc90-5254c6c72434	Ahmed	incomeConsultant	1796656589606
01a25113-eb94-7cbc-956b-0a0c3c9f3987	Olaf	accountManager	1796656589716
\.


--
-- Data for Name: refused_changes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.refused_changes (id, code, message, refused_at) FROM stdin;
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_migrations (version, applied_at) FROM stdin;
v1-directory-and-log	1796656589270
\.


--
-- Data for Name: scope_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.scope_events (seq, client_id, from_team, to_team) FROM stdin;
8	01a25113-ecf3-70e2-9e97-9758d810eea0	01a25113-e9dd-773b-b27c-06d1e4a6f2c7	01a25113-ea55-7b79-b23b-d5979006aa61
9	01a25113-ee3f-7ff7-8688-424f18599aa9	01a25113-e9dd-773b-b27c-06d1e4a6f2c7	
\.


--
-- Data for Name: server_state; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.server_state (singleton, horizon) FROM stdin;
1	0
\.


--
-- Data for Name: teams; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.teams (id, name, created_at) FROM stdin;
01a25113-e9dd-773b-b27c-06d1e4a6f2c7	Noord	1796656589277
01a25113-ea55-7b79-b23b-d5979006aa61	Zuid	1796656589397
\.


--
-- Name: change_positions; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.change_positions', 10, true);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (seq);


--
-- Name: changes changes_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.changes
    ADD CONSTRAINT changes_id_key UNIQUE (id);


--
-- Name: changes changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.changes
    ADD CONSTRAINT changes_pkey PRIMARY KEY (seq);


--
-- Name: client_digests client_digests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.client_digests
    ADD CONSTRAINT client_digests_pkey PRIMARY KEY (client_id, audience);


--
-- Name: clients clients_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.clients
    ADD CONSTRAINT clients_pkey PRIMARY KEY (id);


--
-- Name: devices devices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_pkey PRIMARY KEY (id);


--
-- Name: devices devices_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_token_hash_key UNIQUE (token_hash);


--
-- Name: enrollment_codes enrollment_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.enrollment_codes
    ADD CONSTRAINT enrollment_codes_pkey PRIMARY KEY (code_hash);


--
-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (professional_id, team_id);


--
-- Name: professionals professionals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.professionals
    ADD CONSTRAINT professionals_pkey PRIMARY KEY (id);


--
-- Name: refused_changes refused_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.refused_changes
    ADD CONSTRAINT refused_changes_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: scope_events scope_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scope_events
    ADD CONSTRAINT scope_events_pkey PRIMARY KEY (seq);


--
-- Name: server_state server_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.server_state
    ADD CONSTRAINT server_state_pkey PRIMARY KEY (singleton);


--
-- Name: teams teams_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.teams
    ADD CONSTRAINT teams_pkey PRIMARY KEY (id);


--
-- Name: audit_by_actor; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_by_actor ON public.audit_log USING btree (actor);


--
-- Name: changes_by_client; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX changes_by_client ON public.changes USING btree (client_id, seq);


--
-- Name: changes_by_entity; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX changes_by_entity ON public.changes USING btree (entity_id, seq);


--
-- Name: client_teams_by_client; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX client_teams_by_client ON public.client_teams USING btree (client_id);


--
-- Name: clients_by_team; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX clients_by_team ON public.clients USING btree (team_id);


--
-- Name: memberships_by_team; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX memberships_by_team ON public.memberships USING btree (team_id);


--
-- Name: audit_log audit_log_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_log_append_only();


--
-- Name: client_teams client_teams_client_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.client_teams
    ADD CONSTRAINT client_teams_client_id_fkey FOREIGN KEY (client_id) REFERENCES public.clients(id);


--
-- Name: client_teams client_teams_team_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.client_teams
    ADD CONSTRAINT client_teams_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id);


--
-- Name: clients clients_team_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.clients
    ADD CONSTRAINT clients_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id);


--
-- Name: devices devices_professional_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.devices
    ADD CONSTRAINT devices_professional_id_fkey FOREIGN KEY (professional_id) REFERENCES public.professionals(id);


--
-- Name: enrollment_codes enrollment_codes_professional_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.enrollment_codes
    ADD CONSTRAINT enrollment_codes_professional_id_fkey FOREIGN KEY (professional_id) REFERENCES public.professionals(id);


--
-- Name: memberships memberships_professional_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_professional_id_fkey FOREIGN KEY (professional_id) REFERENCES public.professionals(id);


--
-- Name: memberships memberships_team_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.teams(id);


--
-- PostgreSQL database dump complete
--

\unrestrict JTzsNlwbnKrAqccW62TYFB4LQEUhCgOrfvLPWDMyZPre9Rd0UeD5XRzM19SHnSe

