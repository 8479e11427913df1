-- The ledger tree as tiles (B3, after C2SP tlog-tiles): one row per 256 hashes of a stratum of 8 levels instead of
-- one row per node, so an append writes about 1/256 of a row per stratum. Each row also keeps the tile's inner
-- nodes, so proofs read hashes without re-hashing. See SCHEMA.md and src/ledger/tiles.ts.
create table ledger_tile (
  -- The stratum: tree levels 8·level … 8·level + 7.
  level smallint not null check (level between 0 and 7),
  tile_index bigint not null check (tile_index >= 0),
  -- How many hashes of the stratum's lowest level the tile holds (256 when full).
  width smallint not null check (width between 1 and 256),
  -- Fixed layout: inner level r starts at hash 512 - 512/2^r with room for 256/2^r hashes of 32 bytes, of which
  -- the first floor(width / 2^r) are filled and the rest are zeros; 510 hashes in all.
  hashes bytea not null check (octet_length(hashes) = 510 * 32),
  -- Stratum 0 only: the audit_event seq of each leaf, 8 bytes big-endian each.
  seqs bytea check ((level = 0) = (seqs is not null) and (seqs is null or octet_length(seqs) = 8 * width)),
  primary key (level, tile_index)
);
-- The hashes of a tile are incompressible: keep them out of line without trying to compress.
alter table ledger_tile alter column hashes set storage external;

-- The existing tree, tile by tile: node (level h, index i) sits in stratum h / 8, at inner level h % 8, in tile
-- i >> (8 - h % 8); each inner level is padded with zeros to its room.
with node as (
  select level / 8 as stratum, level % 8 as inner_level, node_index >> (8 - level % 8) as tile, node_index, hash, seq
    from ledger_node),
lvl as (
  select stratum, tile, inner_level, string_agg(hash, ''::bytea order by node_index) as hashes, count(*)::int as n
    from node group by stratum, tile, inner_level),
tile as (select distinct stratum, tile from lvl)
insert into ledger_tile (level, tile_index, width, hashes, seqs)
select t.stratum, t.tile,
       (select l.n from lvl l where l.stratum = t.stratum and l.tile = t.tile and l.inner_level = 0),
       (select string_agg(coalesce(l.hashes, ''::bytea) || decode(repeat('00', ((256 >> r) - coalesce(l.n, 0)) * 32), 'hex'),
                          ''::bytea order by r)
          from generate_series(0, 7) as g(r)
          left join lvl l on l.stratum = t.stratum and l.tile = t.tile and l.inner_level = g.r),
       case when t.stratum = 0 then
         (select string_agg(int8send(n.seq), ''::bytea order by n.node_index)
            from node n where n.stratum = 0 and n.inner_level = 0 and n.tile = t.tile) end
  from tile t;

drop table ledger_node;

-- Each leaf with its event, for auditors' and operators' queries (Haven reads the tiles directly).
create view ledger_leaf as
select t.tile_index * 256 + p.position as leaf_index,
       ('x' || encode(substring(t.seqs from p.position * 8 + 1 for 8), 'hex'))::bit(64)::bigint as seq,
       substring(t.hashes from p.position * 32 + 1 for 32) as hash
  from ledger_tile t, generate_series(0, t.width - 1) as p(position)
 where t.level = 0;
