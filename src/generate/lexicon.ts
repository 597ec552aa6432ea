/**
 * Words and phrases the synthetic reviews are built from: five domains, each with its own
 * subjects, aspects and events, over a shared stock of sentiment words. Sizes are chosen so
 * texts vary a lot while the sentiment words stay a learnable signal.
 */

export interface Domain {
  name: string;
  subjects: readonly string[];
  aspects: readonly string[];
  /** Past tense, for "I {verb} it last week". */
  verbs: readonly string[];
  positiveEvents: readonly string[];
  negativeEvents: readonly string[];
  /** Sentences with no sentiment: context a real review carries. */
  neutral: readonly string[];
  titles: readonly string[];
}

export const DOMAINS: readonly Domain[] = [
  {
    name: 'movies',
    subjects: ['this movie', 'the film', 'this picture', 'the sequel', 'this documentary', 'the remake', 'this thriller', 'the comedy', 'this drama', 'the director\'s cut'],
    aspects: ['plot', 'acting', 'script', 'soundtrack', 'cinematography', 'pacing', 'ending', 'dialogue', 'cast', 'direction', 'special effects', 'lead actress', 'villain', 'score', 'editing', 'opening scene', 'story', 'humor'],
    verbs: ['watched it', 'saw it', 'rented it', 'streamed it', 'caught it'],
    positiveEvents: ['the whole theater applauded at the end', 'I laughed from start to finish', 'it kept me on the edge of my seat', 'I want to watch it again tomorrow', 'the final twist gave me chills', 'the two hours flew by'],
    negativeEvents: ['half the audience walked out', 'I fell asleep twice', 'I checked my watch every ten minutes', 'the twist was obvious from the first scene', 'it dragged on for three hours', 'the jokes fell flat every single time'],
    neutral: ['I saw it on a Friday night with my sister.', 'It runs just over two hours.', 'It is based on a novel from the seventies.', 'We went to the late show.', 'It was filmed in Canada.', 'The trailer came out last spring.'],
    titles: ['The Long Night', 'Harbor Lights', 'Red Meridian', 'Quiet Storm', 'The Last Orchard', 'Paper Kings', 'Northbound'],
  },
  {
    name: 'restaurants',
    subjects: ['this place', 'the restaurant', 'this diner', 'the bistro', 'this cafe', 'the steakhouse', 'this pizzeria', 'the sushi bar', 'this food truck'],
    aspects: ['food', 'service', 'staff', 'waiter', 'pasta', 'dessert', 'atmosphere', 'prices', 'portions', 'wine list', 'burger', 'pizza', 'coffee', 'salad', 'fries', 'seafood', 'menu', 'bread'],
    verbs: ['ate there', 'dined there', 'ordered from it', 'had lunch there', 'tried it'],
    positiveEvents: ['the chef came out to say hello', 'our food arrived hot within ten minutes', 'they gave us free dessert', 'every dish was cooked to perfection', 'the waiter remembered our order from last time', 'we are already planning our next visit'],
    negativeEvents: ['we waited an hour for cold food', 'the waiter was rude to us', 'my steak came out raw', 'they got our order wrong twice', 'I got sick the next day', 'the bill had charges we never ordered'],
    neutral: ['We went for my birthday.', 'It is right next to the train station.', 'We had a table for four.', 'Parking is on the street.', 'They open at eleven.', 'We ordered the lunch special.'],
    titles: ['Luigi\'s', 'The Golden Spoon', 'Blue Fin', 'Casa Verde', 'Smoke & Oak', 'Noodle House'],
  },
  {
    name: 'gadgets',
    subjects: ['this phone', 'the headset', 'this laptop', 'the charger', 'this tablet', 'the speaker', 'this camera', 'the keyboard', 'this smartwatch', 'the router', 'these earbuds'],
    aspects: ['battery', 'screen', 'camera', 'build quality', 'sound', 'keyboard', 'software', 'case', 'speaker', 'bluetooth connection', 'microphone', 'charging', 'display', 'price', 'design', 'setup', 'reception', 'touchpad'],
    verbs: ['bought it', 'ordered it', 'used it', 'got it', 'tested it'],
    positiveEvents: ['the battery lasts two full days', 'it paired in seconds', 'it survived a drop on concrete', 'setup took five minutes', 'the sound is crystal clear', 'it works exactly as advertised'],
    negativeEvents: ['the battery died after a week', 'it stopped charging after two days', 'the screen cracked in my pocket', 'it keeps dropping the connection', 'the buttons broke within a month', 'customer support never answered'],
    neutral: ['I ordered it online.', 'It came in a small box.', 'I use it mostly at work.', 'It replaced my old one.', 'It arrived on a Tuesday.', 'I got the black version.'],
    titles: ['Model X2', 'PowerMax 3000', 'AirTune Pro', 'NovaTab 10', 'ClearCall S'],
  },
  {
    name: 'hotels',
    subjects: ['this hotel', 'the resort', 'this inn', 'the motel', 'this hostel', 'the lodge', 'this guesthouse'],
    aspects: ['room', 'bed', 'staff', 'breakfast', 'pool', 'location', 'view', 'bathroom', 'wifi', 'front desk', 'check-in', 'gym', 'spa', 'lobby', 'air conditioning', 'housekeeping', 'shower'],
    verbs: ['stayed there', 'booked it', 'spent a week there', 'checked in there'],
    positiveEvents: ['they upgraded us to a suite', 'the room was spotless every day', 'the staff arranged a late checkout for us', 'we slept like babies', 'the view from the balcony was breathtaking'],
    negativeEvents: ['we found bugs in the bed', 'the shower had no hot water', 'they lost our reservation', 'the noise kept us up all night', 'the room smelled of smoke', 'they charged us twice'],
    neutral: ['We stayed three nights in July.', 'It is twenty minutes from the airport.', 'We traveled with two kids.', 'We booked through a travel site.', 'Our room was on the fourth floor.'],
    titles: ['Seaside Grand', 'The Alder', 'Mountain View Lodge', 'Hotel Marisol', 'City Inn'],
  },
  {
    name: 'books',
    subjects: ['this book', 'the novel', 'this memoir', 'the sequel', 'this cookbook', 'the biography', 'this collection', 'the audiobook'],
    aspects: ['plot', 'characters', 'prose', 'ending', 'pacing', 'narrator', 'dialogue', 'chapters', 'world-building', 'translation', 'research', 'illustrations', 'middle section', 'first chapter', 'recipes', 'style'],
    verbs: ['read it', 'finished it', 'listened to it', 'picked it up', 'borrowed it'],
    positiveEvents: ['I could not put it down', 'I finished it in one sitting', 'I cried at the last chapter', 'I have already bought the sequel', 'I recommended it to my whole book club'],
    negativeEvents: ['I gave up halfway through', 'I had to force myself to finish it', 'I kept losing track of the characters', 'the ending made no sense', 'I donated it the next day'],
    neutral: ['I read it on vacation.', 'It is about four hundred pages.', 'My book club picked it.', 'I read the paperback edition.', 'It came out last year.'],
    titles: ['The Salt Road', 'Winter Letters', 'A House of Glass', 'The Cartographer', 'Small Hours'],
  },
];

export const POSITIVE_ADJECTIVES = [
  'great', 'excellent', 'wonderful', 'fantastic', 'superb', 'amazing', 'brilliant', 'delightful', 'outstanding', 'lovely',
  'impressive', 'charming', 'perfect', 'enjoyable', 'terrific', 'stellar', 'pleasant', 'memorable', 'gorgeous', 'flawless',
  'engaging', 'fabulous', 'first-rate', 'top-notch', 'marvelous', 'exceptional', 'solid', 'beautiful', 'fun', 'good',
] as const;

export const NEGATIVE_ADJECTIVES = [
  'terrible', 'awful', 'horrible', 'dreadful', 'boring', 'disappointing', 'poor', 'mediocre', 'bland', 'lousy',
  'pathetic', 'useless', 'annoying', 'sloppy', 'dull', 'atrocious', 'cheap', 'flimsy', 'tedious', 'forgettable',
  'abysmal', 'unbearable', 'awkward', 'frustrating', 'messy', 'weak', 'bad', 'overpriced', 'painful', 'lazy',
] as const;

export const INTENSIFIERS = ['really', 'very', 'truly', 'absolutely', 'incredibly', 'quite', 'pretty', 'so', 'extremely', 'genuinely', 'just'] as const;

export const POSITIVE_VERBS = ['loved', 'enjoyed', 'adored', 'liked', 'appreciated', 'was impressed by'] as const;
export const NEGATIVE_VERBS = ['hated', 'disliked', 'regretted', 'could not stand', 'was let down by', 'was annoyed by'] as const;

export const POSITIVE_CLOSERS = [
  'Highly recommended.', 'I would definitely recommend it.', 'Five stars!', 'Worth every penny.', 'Will be back for sure.',
  'Can\'t wait to go back.', 'A real gem.', 'Two thumbs up.', 'Best purchase this year.', 'You won\'t regret it.',
] as const;

export const NEGATIVE_CLOSERS = [
  'Avoid.', 'I want my money back.', 'One star.', 'Never again.', 'Save your money.', 'Do not waste your time.',
  'What a waste.', 'Not worth it.', 'Stay away.', 'I will not be back.',
] as const;

export const TIMES = ['last week', 'yesterday', 'a month ago', 'over the weekend', 'last year', 'twice now', 'on a whim', 'after reading the reviews'] as const;

export const SHORT_POSITIVE = ['Great!', 'Loved it.', 'Excellent.', 'Perfect.', 'Amazing!', 'Superb.', 'So good.', 'Wonderful!'] as const;
export const SHORT_NEGATIVE = ['Awful.', 'Terrible!', 'Hated it.', 'Boring.', 'Useless.', 'Bad.', 'Meh, awful.', 'Dreadful.'] as const;

/** Words stretched by "soooo goooood" noise. */
export const STRETCH_POSITIVE = ['good', 'great', 'cool', 'cute', 'smooth'] as const;
export const STRETCH_NEGATIVE = ['bad', 'boring', 'slow', 'loud', 'long'] as const;

export const FIRST_NAMES = ['john', 'maria', 'wei', 'fatima', 'lars', 'aiko', 'pedro', 'nina', 'omar', 'kate'] as const;
export const MAIL_DOMAINS = ['example.com', 'mail.example.org', 'inbox.test', 'example.net'] as const;
