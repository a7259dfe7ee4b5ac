// Writes server/security/common-passwords.txt: `tsx server/scripts/generateCommonPasswords.ts`.
//
// Source: generated, not copied. The base words are the passwords that every published ranking of leaked
// passwords puts at the top (the yearly "worst passwords" lists, the UK NCSC's "most hacked" list), keyboard walks,
// digit runs, common Chinese pinyin passwords (the 119 centers' users), and this domain's own vocabulary, each
// with the suffixes people add to pass a length rule. The policy also strips digits and symbols around a
// password and undoes common letter-for-digit swaps before comparing (shared/passwordPolicy.ts), so the list
// needs the words, not every variant.
import fs from "node:fs";
import path from "node:path";

const WORDS = `
password passw0rd p@ssword p@ssw0rd passwd pass1234 qwerty qwertyuiop qwertyui qwerty12 asdfgh asdfghjkl asdfghjk
zxcvbnm zxcvbn qazwsx qazwsxedc 1qaz2wsx 1qaz2wsx3edc zaq12wsx zaq1zaq1 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4t5y6
qweasd qweasdzxc qwer1234 asdf1234 abcd1234 abc123 abcdef abcdefg abcdefgh abcdefghijkl letmein welcome welcome1
monkey dragon master shadow sunshine princess football baseball basketball soccer hockey iloveyou ilovey0u trustno1
superman batman spiderman starwars pokemon charlie michael jennifer jordan jordan23 hunter hunter2 buster tigger
soccer1 freedom whatever ninja mustang access flower hottie loveme zaq1xsw2 jessica pepper daniel andrew joshua
matthew thomas robert william george harley ranger thunder summer winter autumn spring computer internet secret
login admin administrator root toor changeme default guest user test tester testing demo sample temp temporary
letmein1 welcome123 password1 password12 password123 password1234 iloveyou1 princess1 sunshine1 monkey1 dragon1
football1 baseball1 qwerty1 qwerty123 qwerty1234 111111 1111111 11111111 000000 00000000 121212 123123 123321
654321 666666 696969 777777 7777777 888888 987654321 9876543210 1234567890 0987654321 123456789 12345678 1234567
123456 12345 123qwe qwe123 1qazxsw2 lovely love love123 loveyou ilovegod jesus jesus1 blessed angel angel1
beautiful babygirl baby123 butterfly chocolate cookie cheese banana orange apple applepie pineapple strawberry
liverpool chelsea arsenal manchester barcelona realmadrid juventus yankees cowboys eagles lakers steelers
michelle ashley amanda nicole jessica1 samantha elizabeth hannah daniel1 anthony joseph david1 richard
charles christopher matrix killer pussy fuckyou fuckoff biteme asshole bitch naruto sasuke goku dragonball
minecraft fortnite roblox whatsapp facebook google youtube instagram twitter linkedin microsoft windows apple123
samsung nokia iphone android playstation xbox nintendo mario zelda hello hello123 helloworld hi123 letmein123
secret123 master123 admin123 admin1234 adminadmin root123 rootroot test123 test1234 testtest guest123 user123
pass pass123 passpass mypass mypassword yourpassword newpassword oldpassword nopassword thepassword password!
security secure secured safety welcome2 company office business money money123 dollar million rich gold silver
diamond platinum family family1 friends friend bestfriend forever forever1 together always never nothing
everything something anything somebody nobody everyone america canada london paris tokyo newyork california
texas florida chicago boston dallas seattle sanfrancisco beijing shanghai shenzhen guangzhou hongkong taiwan
taipei china zhongguo chinese woaini woaini1314 aini1314 5201314 1314520 520520 woaiwojia zhang123 zhangwei
wangwei wangjing wangfang liwei lijing lina liuyang chenjing yangyang huanghui zhaolei qq123456 qq1234 aa123456
a123456 a1234567 a12345678 a123456789 abc123456 abc12345 123abc 123456a 123456aa 123456abc woshishui nihao
nihao123 wodemima mima123 mima1234 xiaoming xiaohong 88888888 66666666 168168 518518 147258369 159357 147258
159753 741852963 789456123 123654 456789 789456 135792468 246810 1357924680 369258147 963852741
fire firefighter firefighters fireman firemen firedepartment firedept firehouse firestation firerescue fire119
fire911 firetruck fireengine rescue rescue1 rescue119 emergency emergency119 ambulance paramedic medic engine
engine1 ladder ladder1 truck station station1 dispatch dispatcher dispatch119 dispatch911 operator supervisor
captain chief battalion lieutenant officer responder firstresponder hazmat wildfire wildland smokey sparky
hydrant hose siren alarm alarm1 incident callcenter center119 call119 huojing xiaofang xiaofang119 xiaofangyuan
jiuyuan jiuhuo anquan zhihui diaodu diaoduyuan 119119 119119119 110119120 110120119 911911 999999 112112
console tablet crew crew123 shift shiftchange handover integration importer service servicedesk helpdesk
support support123 system system123 server server123 database oracle mysql postgres mongodb redis sqlite
changeme1 changeme123 change123 resetme welcome01 welcome2024 welcome2025 welcome2026 spring2024 summer2024
autumn2024 winter2024 spring2025 summer2025 autumn2025 winter2025 spring2026 summer2026 autumn2026 winter2026
january february march april june july august september october november december monday tuesday friday
sunday weekend holiday christmas easter halloween birthday happybirthday goodluck goodbye goodmorning
correcthorsebatterystaple iloveyoutoo letmeinnow opensesame abracadabra whatever1 qwertyqwerty asdfasdf
zxcvzxcv qwerasdf asdfqwer 1234qwer qwer4321 1q2w3e 1q2w3e4r5t6y7u8i 1qaz1qaz 2wsx3edc !qaz2wsx !qaz@wsx
`;

/** What people append to reach a length rule, most common first. */
const SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "2024", "2025", "2026", "@123", "#1"];

/** Digit runs and walks that no amount of stripping turns into a word. */
function digitPatterns(): string[] {
  const patterns = new Set<string>();
  const ascending = "12345678901234567890";
  const descending = "09876543210987654321";
  for (let length = 12; length <= 16; length++) {
    patterns.add(ascending.slice(0, length));
    patterns.add(ascending.slice(1, length + 1));
    patterns.add(descending.slice(0, length));
    patterns.add(descending.slice(1, length + 1));
  }
  for (const unit of ["123", "1234", "12345", "123456", "147258369", "159357", "520", "1314", "5201314", "789456123"]) {
    let repeated = unit;
    while (repeated.length < 12) repeated += unit;
    patterns.add(repeated);
    patterns.add(repeated.slice(0, 12));
  }
  return [...patterns];
}

const bases = [...new Set(WORDS.split(/\s+/).map((word) => word.trim().toLowerCase()).filter((word) => word.length >= 4))];
const entries = new Set<string>();
for (const base of bases) for (const suffix of SUFFIXES) entries.add(base + suffix);
for (const pattern of digitPatterns()) entries.add(pattern);

const target = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../security/common-passwords.txt");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(
  target,
  [
    "# Common passwords refused by the password policy, one a line, lower case. Generated by",
    "# server/scripts/generateCommonPasswords.ts (see its header for the source); edit that, not this file.",
    ...[...entries].sort(),
  ].join("\n") + "\n",
);
console.log(`${entries.size} entries written to ${target}`);
