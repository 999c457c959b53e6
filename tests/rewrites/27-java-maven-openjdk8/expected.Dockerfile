FROM maven:3.8-openjdk-8 AS build
ENV MAVEN_OPTS="-Xmx512m"
WORKDIR /usr/src/app
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests
ENV SPRING_PROFILES_ACTIVE=prod

FROM eclipse-temurin:8-jre
WORKDIR /usr/src/app
COPY --from=build /usr/src/app/target/orders-1.0.0.jar /usr/src/app/target/orders-1.0.0.jar
ENV SPRING_PROFILES_ACTIVE=prod
EXPOSE 8080
CMD ["java", "-jar", "target/orders-1.0.0.jar"]
