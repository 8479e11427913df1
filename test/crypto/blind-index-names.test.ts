import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  nameSearchKeys,
  nameSkeleton,
  nameSkeletons,
  nameTokens,
} from '../../src/crypto/blind-index/normalise.ts';

function sharedSkeletons(a: string, b: string): string[] {
  const other = new Set(nameSearchKeys(b).skeleton);
  return nameSearchKeys(a).skeleton.filter((key) => other.has(key));
}

/** Every spelling in a row must yield the skeleton named first (among its readings). */
function assertSkeletonTable(rows: readonly (readonly [string, readonly string[]])[]): void {
  for (const [skeleton, spellings] of rows) {
    for (const spelling of spellings) {
      assert.ok(
        nameSearchKeys(spelling).skeleton.includes(skeleton),
        `${spelling}: ${JSON.stringify(nameSearchKeys(spelling).skeleton)} lacks ${skeleton}`,
      );
    }
  }
}

describe('nameTokens (ENC-3)', () => {
  test('splits a folded name into words, in order, without repeats', () => {
    assert.deepEqual(nameTokens('  JOSÉ  maría '), ['jose', 'maria']);
    assert.deepEqual(nameTokens('Anna-Maria ANNA'), ['anna', 'maria']);
    assert.deepEqual(nameTokens('مُحَمَّد  أحمد'), ['محمد', 'احمد']);
    assert.deepEqual(nameTokens(''), []);
    assert.deepEqual(nameTokens(' - '), []);
  });

  test('drops standalone and glued articles', () => {
    assert.deepEqual(nameTokens('Hassan al-Masri'), ['hassan', 'masri']);
    assert.deepEqual(nameTokens('El Sayed'), ['sayed']);
    assert.deepEqual(nameTokens('Zia ul Haq'), ['zia', 'haq']);
    assert.deepEqual(nameTokens('حسن المصري'), ['حسن', 'مصري']);
    assert.deepEqual(nameTokens('الرحمن'), ['رحمن']);
  });

  test('keeps names that only look like they begin with the article', () => {
    assert.deepEqual(nameTokens('إلهام الناز إلياس'), ['الهام', 'الناز', 'الياس']);
    assert.deepEqual(nameTokens('Ali Alexander Elnaz'), ['ali', 'alexander', 'elnaz']);
  });

  test('joins abd- and abu- with the next word, so spacing and the article do not matter', () => {
    const rows: readonly (readonly [string, readonly string[]])[] = [
      ['abdlah', ['Abdullah', 'Abdallah', 'Abd Allah', 'Abdul-lah', 'ABDULLAH']],
      ['عبدله', ['عبدالله', 'عبد الله', 'عَبْدُ ٱللَّٰه']],
      ['abdrahman', ['Abdelrahman', 'Abdul Rahman', 'Abd al-Rahman', 'Abdurrahman', 'Abdel-Rahman']],
      ['عبدرحمن', ['عبد الرحمن', 'عبدالرحمن']],
      ['abdaziz', ['Abdulaziz', 'Abd al-Aziz', 'Abdel Aziz']],
      ['abubakr', ['Abu Bakr', 'Abou Bakr', 'Abubakr']],
      ['ابوبكر', ['أبو بكر', 'ابوبكر']],
      ['abuqasim', ['Abu al-Qasim', 'Abulqasim']],
    ];
    for (const [token, spellings] of rows) {
      for (const spelling of spellings) assert.deepEqual(nameTokens(spelling), [token], spelling);
    }
    assert.deepEqual(nameTokens('Mohammed Abdul'), ['mohammed', 'abdul'], 'a particle at the end stays');
  });
});

describe('nameSkeleton across scripts (ENC-3)', () => {
  test('Latin and Arabic-script spellings of one name share a skeleton', () => {
    assertSkeletonTable([
      ['mhmd', ['Mohammed', 'Muhammad', 'Mohamed', 'Mohamad', 'Muhammed', 'محمد', 'مُحَمَّد', 'محـــمد']],
      ['hmd', ['Ahmed', 'Ahmad', 'أحمد']],
      ['ftm', ['Fatima', 'Fatimah', 'Fatma', 'فاطمة']],
      ['bdl', ['Abdullah', 'Abdallah', 'Abd Allah', 'Abdul-lah', 'عبدالله', 'عبد الله']],
      ['hsn', ['Hussein', 'Husayn', 'Hossein', 'Hussain', 'حسين']],
      ['mr', ['Omar', 'Umar', 'عمر']],
      ['l', ['Ali', 'علي']],
      ['khld', ['Khalid', 'Khaled', 'خالد']],
      ['ysf', ['Yusuf', 'Youssef', 'Yousef', 'يوسف']],
      ['sh', ['Aisha', 'Aysha', 'Ayesha', 'عائشة']],
      ['znb', ['Zainab', 'Zaynab', 'Zeinab', 'زينب']],
      ['brhm', ['Ibrahim', 'Ebrahim', 'إبراهيم']],
      ['hsn', ['Hassan', 'Hasan', 'حسن']],
      ['mstf', ['Mustafa', 'Mostafa', 'مصطفى']],
      ['nr', ['Noor', 'Nour', 'Nur', 'نور']],
      ['krm', ['Karim', 'Kareem', 'كريم']],
      ['bdrhmn', ['Abdelrahman', 'Abdul Rahman', 'Abd al-Rahman', 'Abdurrahman', 'عبد الرحمن']],
      ['zhr', ['Zahra', 'زهرا', 'زهراء']],
      ['rhm', ['Rahimi', 'رحیمی']],
      ['hmdz', ['Ahmadzai', 'احمدزی']],
      ['gl', ['Gul', 'گل']],
    ]);
  });

  test('more Arabic-script names line up however a digraph or final h falls', () => {
    assertSkeletonTable([
      ['fth', ['Fathi', 'فتحي']],
      ['thmn', ['Othman', 'Uthman', 'عثمان']],
      ['dhm', ['Adham', 'أدهم']],
      ['shk', ['Ishaq', 'إسحاق', 'Sheikh', 'شيخ']],
      ['shd', ['Shadi', 'Chadi', 'شادي']],
      ['sl', ['Saleh', 'Salih', 'صالح']],
      ['sd', ["Sa'id", 'Said', 'Saeed', 'سعيد']],
      ['jd', ['Javad', 'Jawad', 'جواد']],
      ['ld', ['Walid', 'Waleed', 'وليد']],
      ['lhm', ['Elham', 'إلهام']],
      ['bkr', ['Abu Bakr', 'Aboubakar', 'أبو بكر']],
      ['zd', ['Azad', 'ئازاد']],
    ]);
  });

  test('letters with two readings give a skeleton for each', () => {
    assertSkeletonTable([
      ['rz', ['Reza', 'رضا']],
      ['rd', ['Rida', 'رضا']],
      ['rmdn', ['Ramadan', 'رمضان']],
      ['rmzn', ['Ramazan', 'رمضان']],
      ['kzm', ['Kazem', 'كاظم']],
      ['kdhm', ['Kadhim', 'كاظم']],
      ['smn', ['Osman', 'عثمان']],
      ['gml', ['Gamal', 'جمال']],
      ['gsm', ['Ghasem', 'قاسم']],
      ['sdg', ['Sadegh', 'صادق']],
    ]);
    assert.deepEqual(nameSkeletons('رضا'), ['rd', 'rz'], 'the common reading first');
    assert.equal(nameSkeleton('رضا'), 'rd');
  });

  test('Cyrillic and Latin spellings share a skeleton', () => {
    assertSkeletonTable([
      // Alexander matches too: x is ks and vowels are dropped.
      ['lksndr', ['Олександр', 'Oleksandr', 'Aleksandr', 'Alexander', 'Александр']],
      // Elena matches Olena: the initial vowel is dropped; Yelena matches the Russian Елена only.
      ['ln', ['Олена', 'Olena', 'Elena', 'Елена']],
      ['yln', ['Yelena', 'Елена']],
      ['srh', ['Сергій', 'Serhii', 'Serhiy']],
      ['srg', ['Сергій', 'Sergiy', 'Sergei', 'Сергей']],
      ['yl', ['Юлія', 'Yuliia', 'Yulia', 'Юлия']],
      ['shshnk', ['Шевченко', 'Shevchenko']],
      ['klnk', ['Коваленко', 'Kovalenko']],
      ['mkhl', ['Михайло', 'Mykhailo', 'Mikhail']],
      ['ldmr', ['Володимир', 'Volodymyr', 'Vladimir']],
      ['yhn', ['Євген', 'Yevhen']],
      ['ysp', ['Йосип', 'Yosyp']],
      ['l', ['Олег', 'Oleh']],
      ['lg', ['Олег', 'Oleg']],
    ]);
  });

  test('Latin spellings with and without diacritics share exact tokens and skeletons', () => {
    const pairs = [
      ['José', 'Jose'],
      ['Zoë', 'Zoe'],
      ['Müller', 'Muller'],
      ['François', 'Francois'],
      ['Nguyễn', 'Nguyen'],
      ['Çelik', 'Celik'],
    ] as const;
    for (const [accented, plain] of pairs) assert.deepEqual(nameSearchKeys(accented), nameSearchKeys(plain));
    assert.deepEqual(nameSearchKeys('Mueller').skeleton, nameSearchKeys('Müller').skeleton);
  });

  test('different names keep different skeletons', () => {
    const pairs = [
      ['Fatima', 'Khadija'],
      ['Mohammed', 'Ahmed'],
      ['Mohammed', 'Mahdi'],
      ['Hassan', 'Hamid'],
      ['Hassan', 'Ghassan'],
      ['Ali', 'Omar'],
      ['Samir', 'Amir'],
      ['Khalid', 'Khalil'],
      ['Yusuf', 'Younes'],
      ['Zainab', 'Zahra'],
      ['Aisha', 'Amina'],
      ['Olena', 'Olha'],
      ['Trang', 'Tran'],
      ['محمد', 'أحمد'],
      ['فاطمة', 'خديجة'],
    ] as const;
    for (const [a, b] of pairs) assert.deepEqual(sharedSkeletons(a, b), [], `${a} / ${b}`);
  });

  test('known collisions of the coarse skeleton: accepted, the exact tokens tell them apart', () => {
    const collisions: readonly (readonly [string, readonly string[]])[] = [
      ['hsn', ['Hassan', 'Hussein', 'Hosni', 'Ihsan', 'Hasna']],
      ['mhmd', ['Mohammed', 'Mahmoud', 'محمود']],
      ['mr', ['Omar', 'Amira', 'Amir', 'Amer', 'Amr', 'Marwa', 'Maria']],
      ['hmd', ['Ahmed', 'Hamid', 'Hamed']],
      ['slm', ['Salim', 'Salma', 'Salem', 'Salam', 'Islam']],
      ['sd', ['Said', 'Saad', 'Sayed', 'Asad']],
      ['l', ['Ali', 'Layla', 'Leila', 'Oleh']],
      ['ln', ['Lina', 'Lana', 'Olena', 'Alina']],
      ['hshm', ['Hisham', 'Hashim']],
      ['jml', ['Jamal', 'Jamil', 'Jamila']],
      ['zd', ['Zaid', 'Ziad', 'Azad']],
      ['n', ['Ivan', 'Anna', 'Inna']],
      // A feminine ة and a surname's -i are vowels to the skeleton.
      ['krm', ['Karim', 'Karima', 'Karimi', 'كريمة', 'کریمی']],
      ['mhmd', ['Mohammadi', 'محمدی']],
      ['ktr', ['Viktor', 'Viktoria']],
    ];
    for (const [skeleton, names] of collisions) {
      for (const name of names) assert.ok(nameSearchKeys(name).skeleton.includes(skeleton), name);
      const exact = names.map((name) => nameTokens(name).join(' '));
      assert.equal(new Set(exact).size, names.length, `exact tokens of ${names.join(', ')} differ`);
    }
  });

  test('names of vowels and glides only have an empty skeleton, which the search keys leave out', () => {
    for (const name of ['Aya', 'آية', 'Eva', 'Ayo']) {
      assert.equal(nameSkeleton(name), '', name);
      assert.deepEqual(nameSearchKeys(name).skeleton, [], name);
      assert.equal(nameSearchKeys(name).exact.length, 1, name);
    }
  });

  test('scripts without a table pass through, so they still match within their script', () => {
    assert.equal(nameSkeleton('ዮሐንስ'), 'ዮሐንስ');
    assert.equal(nameSkeleton('김민준'), '김민준');
  });
});

describe('nameSearchKeys (ENC-3)', () => {
  test('gives the exact tokens and the distinct non-empty skeletons of every token', () => {
    assert.deepEqual(nameSearchKeys('Mohammed Reza Ahmadi'), {
      exact: ['mohammed', 'reza', 'ahmadi'],
      skeleton: ['mhmd', 'rz', 'hmd'],
    });
    assert.deepEqual(nameSearchKeys('محمد رضا احمدی'), {
      exact: ['محمد', 'رضا', 'احمدي'],
      skeleton: ['mhmd', 'rd', 'rz', 'hmd'],
    });
    assert.deepEqual(nameSearchKeys('Hassan Hussein Aya'), {
      exact: ['hassan', 'hussein', 'aya'],
      skeleton: ['hsn'],
    });
  });
});
